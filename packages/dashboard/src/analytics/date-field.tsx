// One end of a custom range: the date written the page's way ("3 Nov 2026"), typed or picked.
import { type KeyboardEvent, useEffect, useId, useState } from "react";
import { parseDateEntry } from "./date-entry";
import { formatDate, isIsoDate } from "./zoned-date";
import "./date-field.css";

interface DateFieldProps {
  /** What a screen reader calls it, e.g. "From (inclusive)". */
  label: string;
  /** `YYYY-MM-DD`, or "" when none is chosen. */
  value: string;
  onChange: (date: string) => void;
  /** Limits of the calendar (`YYYY-MM-DD`); typing may go past them and gets the range's error. */
  min?: string;
  max?: string;
  isInvalid: boolean;
  testId: string;
}

const EXAMPLE = "3 Nov 2026";

function display(value: string): string {
  return isIsoDate(value) ? formatDate(value, { year: true }) : "";
}

/**
 * A text box that reads and writes dates as the rest of the page does, and a calendar button:
 * the browser's own date input, invisible over the icon, so a click or a tap opens its picker
 * (a phone's wheel or calendar) while its mm/dd/yyyy never shows. The keyboard types.
 */
export function DateField({ label, value, onChange, min, max, isInvalid, testId }: DateFieldProps) {
  const [draft, setDraft] = useState(() => display(value));
  const [isUnreadable, setIsUnreadable] = useState(false);
  const hintId = useId();

  useEffect(() => {
    setDraft(display(value));
    setIsUnreadable(false);
  }, [value]);

  const commit = () => {
    // An emptied box is not a date to apply: it shows the range's date again.
    if (draft.trim() === "") {
      setDraft(display(value));
      setIsUnreadable(false);
      return;
    }
    const fallbackYear = Number((value || new Date().toISOString()).slice(0, 4));
    const date = parseDateEntry(draft, fallbackYear);
    if (date === null) {
      setIsUnreadable(true);
      return;
    }
    setIsUnreadable(false);
    setDraft(display(date));
    if (date !== value) onChange(date);
  };

  const handleKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") commit();
    if (event.key === "Escape" && draft !== display(value)) {
      // Escape undoes the typing; it must not also close whatever holds the field.
      event.stopPropagation();
      setDraft(display(value));
      setIsUnreadable(false);
    }
  };

  return (
    <span className="date-field">
      <span className={isInvalid || isUnreadable ? "date-box is-invalid" : "date-box"}>
        <input
          className="input date-text"
          type="text"
          inputMode="text"
          autoComplete="off"
          spellCheck={false}
          aria-label={label}
          aria-invalid={isInvalid || isUnreadable ? true : undefined}
          aria-describedby={isUnreadable ? hintId : undefined}
          placeholder={EXAMPLE}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={commit}
          onKeyDown={handleKey}
          data-testid={testId}
        />
        <span className="date-picker" title="Pick from a calendar">
          <CalendarIcon />
          <input
            className="date-picker-native"
            type="date"
            tabIndex={-1}
            aria-hidden="true"
            value={value}
            min={min || undefined}
            max={max || undefined}
            onChange={(event) => {
              if (isIsoDate(event.target.value)) onChange(event.target.value);
            }}
            data-testid={`${testId}-picker`}
          />
        </span>
      </span>
      {isUnreadable ? (
        <span className="date-hint" id={hintId} role="alert" data-testid={`${testId}-hint`}>
          Write a date like {EXAMPLE}
        </span>
      ) : null}
    </span>
  );
}

function CalendarIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
      <rect
        x="2.25"
        y="3.25"
        width="11.5"
        height="10.5"
        rx="1.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
      />
      <path
        d="M2.25 6.75h11.5M5.5 1.75v3M10.5 1.75v3"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinecap="round"
      />
    </svg>
  );
}
