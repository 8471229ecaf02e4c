// Time-zone names as people know them: browsers list some zones under old names (Asia/Calcutta).
import { isValidTimeZone } from "./zoned-date";

/**
 * Old names that V8 and ICU still return from `Intl.supportedValuesOf` and `resolvedOptions()`,
 * mapped to the current IANA names that users and links use.
 */
const CURRENT_NAMES: Readonly<Record<string, string>> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Etc/UTC": "UTC",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/** The current IANA name for `tz` when the runtime knows it, else `tz` unchanged. */
export function currentZoneName(tz: string): string {
  const current = CURRENT_NAMES[tz];
  return current !== undefined && isValidTimeZone(current) ? current : tz;
}

/** The zones to offer: the runtime's list under current names, plus UTC and `selected`, sorted. */
export function listTimeZones(supported: readonly string[], selected: string): string[] {
  const names = new Set(supported.map(currentZoneName));
  names.add("UTC");
  names.add(selected);
  return [...names].sort((a, b) => a.localeCompare(b));
}
