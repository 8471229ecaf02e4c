// Whole numbers with the viewer's digit grouping ("100,000").
const countFormat = new Intl.NumberFormat();

export function formatCount(value: number): string {
  return countFormat.format(value);
}
