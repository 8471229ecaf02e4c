// The time filter: Today / Past 7 days / Past month / Custom (two dates), and the time zone.
import { useMemo } from "react";
import { type AnalyticsView, customRangeProblem, RANGES, type RangeName } from "./analytics-view";
import { DateField } from "./date-field";
import { listTimeZones } from "./zone-names";
import { daysInclusive, offsetLabel } from "./zoned-date";
import "./range-controls.css";

interface RangeControlsProps {
  view: AnalyticsView;
  onChange: (view: AnalyticsView) => void;
}

export function RangeControls({ view, onChange }: RangeControlsProps) {
  const problem = view.range === "custom" ? customRangeProblem(view.from, view.to) : null;
  const setRange = (range: RangeName) =>
    onChange({ ...view, range, table: { ...view.table, page: 1 } });
  const setDates = (from: string, to: string) =>
    onChange({ ...view, from, to, table: { ...view.table, page: 1 } });

  return (
    <div className="range-controls">
      <fieldset className="segmented" data-testid="range-picker" data-value={view.range}>
        <legend className="visually-hidden">Time range</legend>
        {RANGES.map((range) => (
          <label
            key={range.value}
            className={range.value === view.range ? "segment is-selected" : "segment"}
          >
            <input
              type="radio"
              name="analytics-range"
              value={range.value}
              checked={range.value === view.range}
              onChange={() => setRange(range.value)}
            />
            {range.label}
          </label>
        ))}
      </fieldset>
      {view.range === "custom" ? (
        <div className="custom-dates">
          <DateField
            label="From (inclusive)"
            value={view.from}
            max={view.to}
            onChange={(from) => setDates(from, view.to)}
            isInvalid={problem !== null}
            testId="custom-from"
          />
          <span className="muted range-dash" aria-hidden="true">
            –
          </span>
          <DateField
            label="To (inclusive)"
            value={view.to}
            min={view.from}
            onChange={(to) => setDates(view.from, to)}
            isInvalid={problem !== null}
            testId="custom-to"
          />
          {problem ? null : (
            <span className="range-words" data-testid="range-words">
              {daysInclusive(view.from, view.to)}{" "}
              {daysInclusive(view.from, view.to) === 1 ? "day" : "days"}
            </span>
          )}
        </div>
      ) : null}
      <TimeZoneSelect tz={view.tz} onChange={(tz) => onChange({ ...view, tz })} />
    </div>
  );
}

function TimeZoneSelect({ tz, onChange }: { tz: string; onChange: (tz: string) => void }) {
  const zones = useMemo(() => zoneOptions(tz), [tz]);
  return (
    <label className="inline-field tz-field">
      <GlobeIcon />
      <span className="visually-hidden">Time zone</span>
      <select
        className="select tz-select"
        value={tz}
        onChange={(event) => onChange(event.target.value)}
        title="Days and hours on this page are in this time zone"
        data-testid="tz-select"
      >
        {zones.map((zone) => (
          <option key={zone.value} value={zone.value}>
            {zone.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Every zone the browser knows, under current names, with its offset now. */
function zoneOptions(selected: string): { value: string; label: string }[] {
  const known =
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const now = Date.now();
  return listTimeZones(known, selected).map((name) => ({
    value: name,
    label: `${name.replaceAll("_", " ")} (${offsetLabel(now, name)})`,
  }));
}

function GlobeIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" aria-hidden="true">
      <circle cx="8" cy="8" r="6.25" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <path
        d="M1.75 8h12.5M8 1.75c1.7 1.8 2.5 3.9 2.5 6.25S9.7 12.45 8 14.25C6.3 12.45 5.5 10.35 5.5 8S6.3 3.55 8 1.75Z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.3"
      />
    </svg>
  );
}
