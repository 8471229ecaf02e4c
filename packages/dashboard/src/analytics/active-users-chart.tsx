// "Active users over time": distinct active users per bucket as uPlot bars, with a hover tooltip.
import { type RefObject, useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatCount } from "../ui/count-format";
import { usePrinting } from "../ui/printing";
import { useIsDark } from "../ui/theme";
import type { ActiveOverTime } from "./analytics-api";
import { axisLabel, bucketCaption, labelIndexes, tooltipLabel } from "./bucket-labels";
import { Y_INCREMENTS, yAxisTop } from "./chart-scale";
import { ExportButton, PanelBody, type PanelStatus } from "./panel-parts";
import { CHART_FONT, downloadPng, withTitle } from "./png-export";

const HEIGHT = 260;
/**
 * On paper the chart is drawn at this size whatever the screen's width, then scaled to the page's
 * width (analytics-print.css): a phone's narrow drawing would stand too tall, a wide one too flat.
 */
const PRINT_SIZE = { width: 760, height: 230 };

/** Canvas colours per theme (a canvas cannot read CSS variables); the PNG export keeps light. */
const CHART_COLORS = {
  light: {
    bar: "rgb(79 70 229 / 0.78)",
    stroke: "#4f46e5",
    axis: "#6b6b74",
    tick: "#e4e4e7",
    grid: "#f1f1f3",
    previous: "rgb(113 113 122 / 0.75)",
  },
  dark: {
    bar: "rgb(129 140 248 / 0.85)",
    stroke: "#818cf8",
    axis: "#a1a1aa",
    tick: "#3a4150",
    grid: "#242a36",
    previous: "rgb(161 161 170 / 0.7)",
  },
} as const;

interface ActiveUsersChartProps {
  data: ActiveOverTime | null;
  status: PanelStatus;
  /** Title and subtitle of the exported image, and its file name. */
  exportTitle: string;
  exportSubtitle: string;
  fileName: string;
  /** "in this app" or "on the platform" */
  scopeText: string;
  /** The period the faint line shows, e.g. "the 7 days before". */
  previousLabel: string;
}

export function ActiveUsersChart({
  data,
  status,
  scopeText,
  previousLabel,
  exportTitle,
  exportSubtitle,
  fileName,
}: ActiveUsersChartProps) {
  const plotRef = useRef<uPlot | null>(null);
  const hasActivity = data?.points.some((point) => point.users > 0) ?? false;

  const exportPng = async () => {
    const plot = plotRef.current;
    if (!plot) return;
    const scale = plot.ctx.canvas.width / plot.width;
    await downloadPng(withTitle(plot.ctx.canvas, scale, exportTitle, exportSubtitle), fileName);
  };

  return (
    <section className="panel" aria-labelledby="active-chart-title">
      <div className="panel-head">
        <div>
          <h2 id="active-chart-title">Active users over time</h2>
          <p className="panel-lead">
            Distinct users active {scopeText} {data ? bucketCaption(data.bucket) : ""}
          </p>
          <p className="chart-legend" data-testid="active-chart-legend">
            <span className="chart-legend-bar" aria-hidden="true" /> this range
            <span className="chart-legend-line" aria-hidden="true" /> {previousLabel}
          </p>
        </div>
        <ExportButton
          onExport={exportPng}
          isDisabled={!hasActivity || status.isLoading}
          testId="png-active-chart"
        />
      </div>
      <div
        className={status.isLoading && data ? "chart-area is-updating" : "chart-area"}
        data-testid="active-chart"
        data-points={data?.points.length}
        data-bucket={data?.bucket}
      >
        <PanelBody
          status={status}
          hasData={data !== null}
          isEmpty={!hasActivity}
          skeletonHeight={HEIGHT}
        >
          {data ? <BarChart data={data} plotRef={plotRef} previousLabel={previousLabel} /> : null}
        </PanelBody>
      </div>
    </section>
  );
}

interface Tooltip {
  left: number;
  top: number;
  title: string;
  users: number;
  /** The same bucket of the period before, when it has one. */
  before: number | null;
}

interface BarChartProps {
  data: ActiveOverTime;
  plotRef: RefObject<uPlot | null>;
  previousLabel: string;
}

function BarChart({ data, plotRef, previousLabel }: BarChartProps) {
  const containerRef = useRef<HTMLDivElement | null>(null);
  const [tooltip, setTooltip] = useState<Tooltip | null>(null);
  const isDark = useIsDark();
  const { isPrinting } = usePrinting();

  useEffect(() => {
    const colors = CHART_COLORS[isDark ? "dark" : "light"];
    const container = containerRef.current;
    if (!container) return;
    const size = isPrinting ? PRINT_SIZE : { width: container.clientWidth, height: HEIGHT };
    const { bucket, points } = data;
    const isMultiDay =
      bucket === "hour" &&
      points.length > 0 &&
      points[0]!.start.slice(0, 10) !== points.at(-1)!.start.slice(0, 10);
    const xs = points.map((_, index) => index);
    const ys = points.map((point) => point.users);
    // The period before, matched by position (a DST day may have a bucket more or less).
    const before = points.map((_, index) => data.previous.points[index]?.users ?? null);
    const maxY = Math.max(0, ...ys, ...before.map((value) => value ?? 0));

    const options: uPlot.Options = {
      ...size,
      // Room on the right for half of the last label (today's bar is always labelled).
      padding: [12, 20, 0, 0],
      legend: { show: false },
      cursor: {
        y: false,
        drag: { x: false, y: false, setScale: false },
        points: { show: false },
      },
      scales: {
        x: { time: false, range: () => [-0.5, points.length - 0.5] },
        y: { range: () => [0, yAxisTop(maxY)] },
      },
      axes: [
        {
          font: `11.5px ${CHART_FONT}`,
          stroke: colors.axis,
          grid: { show: false },
          ticks: { show: true, stroke: colors.tick, size: 4 },
          splits: (u) => labelIndexes(points.length, bucket, u.bbox.width / uPlot.pxRatio / 72),
          values: (_u, splits) =>
            splits.map((index) => {
              const point = points[index];
              return point ? axisLabel(point.start, bucket, isMultiDay) : "";
            }),
          gap: 6,
          size: 30,
        },
        {
          font: `11.5px ${CHART_FONT}`,
          stroke: colors.axis,
          grid: { stroke: colors.grid, width: 1 },
          ticks: { show: false },
          incrs: Y_INCREMENTS,
          values: (_u, splits) => splits.map((value) => formatCount(value)),
          size: 44,
          gap: 6,
        },
      ],
      series: [
        {},
        {
          label: "Active users",
          stroke: colors.stroke,
          fill: colors.bar,
          width: 0,
          paths: uPlot.paths.bars!({ size: [0.72, 56], radius: [0.18, 0], gap: 1 }),
          points: { show: false },
        },
        {
          label: previousLabel,
          stroke: colors.previous,
          width: 1.5,
          dash: [4, 3],
          points: { show: false },
          spanGaps: false,
        },
      ],
      hooks: {
        setCursor: [
          (u) => {
            const index = u.cursor.idx;
            const point = index === null || index === undefined ? undefined : points[index];
            if (!point || u.cursor.left === undefined || u.cursor.left < 0) {
              setTooltip(null);
              return;
            }
            const x = u.valToPos(index!, "x");
            const y = u.valToPos(point.users, "y");
            setTooltip({
              left: x + u.bbox.left / uPlot.pxRatio,
              top: y + u.bbox.top / uPlot.pxRatio,
              title: tooltipLabel(point.start, bucket),
              users: point.users,
              before: before[index!] ?? null,
            });
          },
        ],
      },
    };

    const plot = new uPlot(options, [xs, ys, before], container);
    plotRef.current = plot;
    const observer = new ResizeObserver(() => {
      if (!isPrinting && container.clientWidth !== plot.width)
        plot.setSize({ width: container.clientWidth, height: HEIGHT });
    });
    observer.observe(container);
    return () => {
      observer.disconnect();
      plot.destroy();
      if (plotRef.current === plot) plotRef.current = null;
      setTooltip(null);
    };
  }, [data, plotRef, isDark, isPrinting, previousLabel]);

  return (
    <div className="bar-chart" ref={containerRef} onMouseLeave={() => setTooltip(null)}>
      {tooltip ? (
        <div
          className="chart-tooltip"
          style={{ left: tooltip.left, top: tooltip.top }}
          role="status"
          data-testid="active-chart-tooltip"
        >
          <div className="chart-tooltip-title">{tooltip.title}</div>
          <div className="chart-tooltip-value">
            <span className="chart-tooltip-swatch" aria-hidden="true" />
            {formatCount(tooltip.users)} active {tooltip.users === 1 ? "user" : "users"}
          </div>
          {tooltip.before !== null ? (
            <div className="chart-tooltip-before">
              {formatCount(tooltip.before)} in {previousLabel}
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
