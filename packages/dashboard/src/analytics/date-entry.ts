// Reads a date typed the way the page writes it ("3 Nov 2026"), or as 2026-11-03, into YYYY-MM-DD.
import { isIsoDate, pad } from "./zoned-date";

const WEEKDAY = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/;

/**
 * `YYYY-MM-DD` for "3 Nov 2026", "3 November 2026", "Nov 3, 2026", "Tue 3 Nov 2026" or
 * "2026-11-03"; without a year, `fallbackYear`. Null for anything else, a day that does not
 * exist, or an all-numbers date like 3/11/2026 (day first or month first? it cannot say).
 */
export function parseDateEntry(text: string, fallbackYear: number): string | null {
  const entry = text.trim().toLowerCase().replace(WEEKDAY, "");
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(entry);
  if (iso) return checked(Number(iso[1]), Number(iso[2]), Number(iso[3]));

  const words = entry.split(/[\s,./-]+/).filter((word) => word !== "");
  const monthAt = words.findIndex((word) => monthOf(word) !== null);
  if (monthAt === -1 || words.length > 3) return null;
  const month = monthOf(words[monthAt] ?? "") ?? 0;
  const numbers = words.filter((_, index) => index !== monthAt);
  if (!numbers.every((word) => /^\d+$/.test(word))) return null;
  const [day, year = String(fallbackYear)] = numbers;
  if (day === undefined || day.length > 2 || year.length !== 4) return null;
  return checked(Number(year), month, Number(day));
}

/** 1–12 for a month's name or its first three letters or more ("sept" too), else null. */
function monthOf(word: string): number | null {
  if (word.length < 3) return null;
  const index = FULL_MONTHS.findIndex((month) => month.startsWith(word));
  if (index !== -1) return index + 1;
  return word === "sept" ? 9 : null;
}

const FULL_MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

function checked(year: number, month: number, day: number): string | null {
  const date = `${String(year).padStart(4, "0")}-${pad(month)}-${pad(day)}`;
  return isIsoDate(date) ? date : null;
}
