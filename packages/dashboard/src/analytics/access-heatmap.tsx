// "Access times": average active users per weekday and hour, 7 × 24 cells, with legend and hover.
import { type MouseEvent, useMemo, useRef, useState } from "react";
import { useIsDark } from "../ui/theme";
import { useNow } from "../ui/use-now";
import type { HeatmapResponse } from "./analytics-api";
import { drawHeatmap } from "./heatmap-canvas";
import {
  cellColor,
  describeCell,
  formatAverage,
  type HeatmapCell,
  legendStops,
  maxAverage,
  toGrid,
} from "./heatmap-scale";
import { ExportButton, PanelBody, type PanelStatus } from "./panel-parts";
import { downloadPng, withTitle } from "./png-export";
import { pad, readZoned, WEEKDAY_NAMES } from "./zoned-date";
import "./analytics-heatmap.css";

interface AccessHeatmapProps {
  data: HeatmapResponse | null;
  status: PanelStatus;
  tz: string;
  /** The range reaches now: the current weekday-hour is outlined. */
  isCurrent: boolean;
  exportTitle: string;
  exportSubtitle: string;
  fileName: string;
}

interface HoverState {
  cell: HeatmapCell;
  left: number;
  top: number;
}

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

export function AccessHeatmap({
  data,
  status,
  tz,
  isCurrent,
  exportTitle,
  exportSubtitle,
  fileName,
}: AccessHeatmapProps) {
  const grid = useMemo(() => (data ? toGrid(data.cells) : null), [data]);
  const max = useMemo(() => (data ? maxAverage(data.cells) : 0), [data]);
  const now = readZoned(useNow(60_000), tz);
  const [hover, setHover] = useState<HoverState | null>(null);
  const theme = useIsDark() ? "dark" : "light";
  const wrapRef = useRef<HTMLElement | null>(null);

  const exportPng = async () => {
    if (!grid) return;
    const scale = Math.max(2, window.devicePixelRatio || 1);
    await downloadPng(
      withTitle(drawHeatmap(grid, max, scale), scale, exportTitle, exportSubtitle),
      fileName,
    );
  };

  const showCell = (cell: HeatmapCell, event: MouseEvent<HTMLElement>) => {
    const element = wrapRef.current;
    const wrap = element?.getBoundingClientRect();
    const box = event.currentTarget.getBoundingClientRect();
    if (!element || !wrap) return;
    // The wrap scrolls sideways on narrow screens: place the tooltip in its content's coordinates.
    const left = box.left - wrap.left + element.scrollLeft + box.width / 2;
    setHover({ cell, left, top: box.top - wrap.top });
  };

  return (
    <section className="panel" aria-labelledby="heatmap-title">
      <div className="panel-head">
        <div>
          <h2 id="heatmap-title">Access times</h2>
          <p className="panel-lead">
            Average distinct active users in each weekday-hour of the range, in {tz}
          </p>
        </div>
        <ExportButton
          onExport={exportPng}
          isDisabled={!grid || max === 0 || status.isLoading}
          testId="png-heatmap"
        />
      </div>
      <div
        className={status.isLoading && data ? "heatmap-area is-updating" : "heatmap-area"}
        data-testid="heatmap"
        data-max={data ? max : undefined}
      >
        <PanelBody status={status} hasData={grid !== null} isEmpty={max === 0} skeletonHeight={220}>
          {grid ? (
            <section
              className="heatmap-wrap"
              ref={wrapRef}
              onMouseLeave={() => setHover(null)}
              // Focusable, so a keyboard can scroll it sideways where it is wider than the screen.
              // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll region needs focus to scroll.
              tabIndex={0}
              aria-label="Access times by weekday and hour"
            >
              <table className="heatmap-table">
                <caption className="visually-hidden">
                  Average active users by weekday (rows) and hour (columns), {tz}
                </caption>
                <thead>
                  <tr>
                    <th scope="col" className="heatmap-corner">
                      <span className="visually-hidden">Weekday</span>
                    </th>
                    {HOURS.map((hour) => (
                      <th key={hour} scope="col" className="heatmap-hour">
                        {hour % 3 === 0 ? pad(hour) : <span className="heatmap-tick" />}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {grid.map((row, dayIndex) => (
                    <tr key={WEEKDAY_NAMES[dayIndex]}>
                      <th scope="row" className="heatmap-day">
                        {WEEKDAY_NAMES[dayIndex]}
                      </th>
                      {row.map((cell) => {
                        const isNow =
                          isCurrent && cell.weekday === now.weekday && cell.hour === now.hour;
                        return (
                          <td
                            key={cell.hour}
                            className={isNow ? "heatmap-cell is-now" : "heatmap-cell"}
                            style={{ background: cellColor(cell.average, max, theme) }}
                            aria-label={describeCell(cell) + (isNow ? " (now)" : "")}
                            onMouseEnter={(event) => showCell(cell, event)}
                            data-testid="heatmap-cell"
                            data-weekday={cell.weekday}
                            data-hour={cell.hour}
                            data-average={cell.average}
                            data-total={cell.total}
                            data-occurrences={cell.occurrences}
                            data-now={isNow ? "true" : undefined}
                          />
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
              {hover ? (
                <div
                  className="chart-tooltip heatmap-tooltip"
                  style={{ left: hover.left, top: hover.top }}
                  role="status"
                  data-testid="heatmap-tooltip"
                >
                  {describeCell(hover.cell)}
                </div>
              ) : null}
            </section>
          ) : null}
        </PanelBody>
        {grid && max > 0 && !status.error ? (
          <HeatmapLegend max={max} isCurrent={isCurrent} theme={theme} />
        ) : null}
      </div>
    </section>
  );
}

function HeatmapLegend({
  max,
  isCurrent,
  theme,
}: {
  max: number;
  isCurrent: boolean;
  theme: "light" | "dark";
}) {
  return (
    <div className="heatmap-legend" data-testid="heatmap-legend">
      <span className="muted">Average users</span>
      <span className="heatmap-scale">
        {legendStops(max, 5, theme).map((stop) => (
          <span key={stop.value} className="heatmap-stop">
            <span className="heatmap-swatch" style={{ background: stop.color }} />
            <span className="numeric">{formatAverage(stop.value)}</span>
          </span>
        ))}
      </span>
      <span className="muted heatmap-scale-note">
        square-root scale, so one busy hour can't wash out the rest
      </span>
      {isCurrent ? (
        <span className="heatmap-now-key">
          <span className="heatmap-swatch is-now" aria-hidden="true" />
          now
        </span>
      ) : null}
    </div>
  );
}
