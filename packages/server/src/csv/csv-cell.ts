// One CSV field: RFC 4180 quoting, and no formula injection in spreadsheets.

export function csvCell(value: string): string {
  // A leading = + - @ would run as a formula in a spreadsheet: prefix it to keep it text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Rows as CSV text: CRLF line ends, a final one included. Numbers are written as they are (a
 * negative one is a number to a spreadsheet, not a formula), text through `csvCell`.
 */
export function csvText(rows: readonly (readonly (string | number)[])[]): string {
  const cell = (value: string | number) =>
    typeof value === "number" ? String(value) : csvCell(value);
  return `${rows.map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}
