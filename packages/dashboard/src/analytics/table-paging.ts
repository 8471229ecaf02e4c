// Which slice of the user table a page shows, and how that reads ("51–100 of 412").
import { formatCount } from "../ui/count-format";

export interface PageSlice {
  /** 1-based index of the first row shown; 0 when there is none. */
  first: number;
  last: number;
  pageCount: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

export function pageSlice(page: number, pageSize: number, total: number): PageSlice {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const start = (page - 1) * pageSize;
  const isPastEnd = start >= total;
  return {
    first: isPastEnd ? 0 : start + 1,
    last: isPastEnd ? 0 : Math.min(total, start + pageSize),
    pageCount,
    hasPrevious: page > 1,
    hasNext: page * pageSize < total,
  };
}

/** "1–50 of 412", "0 users", or, for a page past the end, "none of 412". */
export function describeSlice(slice: PageSlice, total: number): string {
  if (total === 0) return "0 users";
  if (slice.first === 0) return `none of ${formatCount(total)}`;
  return `${formatCount(slice.first)}–${formatCount(slice.last)} of ${formatCount(total)}`;
}
