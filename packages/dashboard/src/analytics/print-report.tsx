// The printed report: the button that prints the page, and the heading only paper shows.
import { printPage, usePrinting } from "../ui/printing";
import { formatZonedDateTime, offsetLabel } from "./zoned-date";
import "./analytics-print.css";

/** Prints the page as a one-page report (analytics-print.css lays it out); a PDF from the dialog. */
export function PrintReportButton() {
  return (
    <button
      type="button"
      className="button"
      onClick={printPage}
      title="Print the counts, the chart and the heatmap on one page, or save them as a PDF"
      data-testid="print-report"
    >
      <PrinterIcon />
      Print report
    </button>
  );
}

interface ReportHeadingProps {
  /** The app's name, or "All apps". */
  title: string;
  /** "Past 7 days" */
  rangeName: string;
  /** "1 Dec – 7 Dec 2026" */
  rangeDates: string;
  tz: string;
}

/** What the report is of, and when it was taken: hidden on screen, where the page says it. */
export function ReportHeading({ title, rangeName, rangeDates, tz }: ReportHeadingProps) {
  const { startedAt } = usePrinting();
  const at = startedAt ?? Date.now();
  const range = rangeName === rangeDates ? rangeDates : `${rangeName}: ${rangeDates}`;
  return (
    <div className="report-heading" data-testid="report-heading">
      <p className="report-kicker">Rollcall · Users analytics</p>
      <p className="report-title">{title}</p>
      <p className="report-context">
        <span data-testid="report-range">{range}</span>
        <span aria-hidden="true"> · </span>
        <span>
          {tz} ({offsetLabel(at, tz)})
        </span>
        <span aria-hidden="true"> · </span>
        <span data-testid="report-generated">
          generated {formatZonedDateTime(new Date(at).toISOString(), tz)}
        </span>
      </p>
    </div>
  );
}

function PrinterIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
      <path
        d="M4.5 6V2.5h7V6M4.5 11.5h-2v-5h11v5h-2M4.5 9.5h7v4h-7z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinejoin="round"
      />
    </svg>
  );
}
