/** @jsxImportSource hono/jsx */
import { formatDuration, niceDuration } from "../../runtime/duration.ts";
import type { TimelinePoint } from "../timeline.ts";

export type Series = { label: string; values: (number | null)[]; dash?: string };

const W = 420;
const H = 170;
const PAD = { right: 8, top: 10, bottom: 22 };
/** Width of the axis labels' column: wide enough for the longest label, so none is clipped. */
const labelColumn = (labels: string[]) => Math.max(36, 8 + 7 * Math.max(...labels.map((l) => l.length)));
const SPAN_MS = 15 * 60_000;

/** 1, 2, 5 × 10^n at or above `v`, so the axis reads in round numbers. */
function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

/** Points of one series split at gaps (steps without data), as polyline coordinate strings. */
function segments(values: (number | null)[], x: (i: number) => number, y: (v: number) => number) {
  const out: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length) out.push(current.join(" "));
      current = [];
    } else current.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (current.length) out.push(current.join(" "));
  return out;
}

/**
 * A line chart as plain SVG, rendered on the server: no chart library and no build step. Series
 * differ by dash pattern and are named in a text legend, so the chart reads without colour.
 */
export function Chart(p: { id: string; title: string; unit: Unit; series: Series[]; times: string[] }) {
  const end = Date.parse(p.times.at(-1) ?? new Date().toISOString());
  // By time, not by index; a sync-worker younger than 15 minutes spans the time it has.
  const span = Math.max(1000, Math.min(SPAN_MS, end - Date.parse(p.times[0] ?? "")));
  const top = Math.max(0, ...p.series.flatMap((s) => s.values.filter((v) => v !== null)));
  const max = p.unit === "ms" ? niceDuration(top) : niceCeil(top);
  const maxLabel = fmt(max, p.unit);
  const PAD_LEFT = labelColumn([maxLabel, "0"]);
  const x = (i: number) =>
    PAD_LEFT + (1 - (end - Date.parse(p.times[i] ?? "")) / span) * (W - PAD_LEFT - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const drawn = p.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
  return (
    <figure class="chart">
      <svg
        id={p.id}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${p.id}-title`}
        data-points={String(drawn)}
        data-max={maxLabel}
      >
        <title id={`${p.id}-title`}>{p.title}</title>
        <line class="axis" x1={PAD_LEFT} y1={y(0)} x2={W - PAD.right} y2={y(0)} />
        <line class="grid" x1={PAD_LEFT} y1={y(max)} x2={W - PAD.right} y2={y(max)} />
        <text x={PAD_LEFT - 4} y={y(max) + 4} text-anchor="end" class="axis-max">
          {maxLabel}
        </text>
        <text x={PAD_LEFT - 4} y={y(0) + 4} text-anchor="end">
          0
        </text>
        <text x={PAD_LEFT} y={H - 4}>{`−${ago(span)}`}</text>
        <text x={W - PAD.right} y={H - 4} text-anchor="end">
          now
        </text>
        {p.series.flatMap((s) =>
          segments(s.values, x, y).map((points) => (
            <polyline
              class="line"
              points={points}
              stroke-dasharray={s.dash ?? "none"}
              data-series={s.label}
            />
          )),
        )}
      </svg>
      <figcaption>
        {p.series.map((s) => (
          <span class="legend">
            <svg viewBox="0 0 24 6" aria-hidden="true">
              <line x1="0" y1="3" x2="24" y2="3" stroke-dasharray={s.dash ?? "none"} />
            </svg>{" "}
            {s.label}: {fmt(s.values.findLast((v) => v !== null) ?? null, p.unit)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

const ago = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);

/** "ms" values are durations and read as such (850 ms, 12.5 s, 32 min); others carry their unit. */
type Unit = "ms" | "/s";
export const fmt = (v: number | null, unit: Unit) =>
  v === null
    ? "–"
    : unit === "ms"
      ? formatDuration(v)
      : `${v >= 100 ? Math.round(v) : Number(v.toFixed(1))} ${unit}`;

type Line = {
  label: string;
  field: "lagP50" | "lagP99" | "inPerSec" | "processedPerSec" | "repairPerSec";
  dash?: string;
};
const timelineChart =
  (id: string, title: string, unit: Unit, lines: Line[]) =>
  ({ points }: { points: TimelinePoint[] }) => (
    <Chart
      id={id}
      title={title}
      unit={unit}
      times={points.map((p) => p.at)}
      series={lines.map((l) => ({ label: l.label, values: points.map((p) => p[l.field]), dash: l.dash }))}
    />
  );

export const LagChart = timelineChart(
  "lag-chart",
  "Live sync lag p50 and p99 over the last 15 minutes (relay and POST /events; repair work is apart)",
  "ms",
  [
    { label: "p99", field: "lagP99" },
    { label: "p50", field: "lagP50", dash: "6 4" },
  ],
);
export const RateChart = timelineChart(
  "rate-chart",
  "Events per second in and processed, and repair work (catch-up, timers, replays, resyncs) over the last 15 minutes",
  "/s",
  [
    { label: "in", field: "inPerSec" },
    { label: "processed", field: "processedPerSec", dash: "2 3" },
    { label: "repair", field: "repairPerSec", dash: "8 3 2 3" },
  ],
);
