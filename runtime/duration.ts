/**
 * Durations for people, shared by the console and the CLI so both say the same: "850 ms", "12.5 s",
 * "32 min", "26 h", "3.2 d". Two significant figures past the first unit; never a bare number of
 * milliseconds in the millions.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  const v = Math.max(0, ms);
  const short = (n: number) => (n >= 100 ? String(Math.round(n)) : String(Number(n.toFixed(1))));
  if (v < 1000) return `${short(v)} ms`;
  if (v < 60_000) return `${short(v / 1000)} s`;
  if (v < 3_600_000) return `${short(v / 60_000)} min`;
  if (v < 86_400_000) return `${short(v / 3_600_000)} h`;
  return `${short(v / 86_400_000)} d`;
}

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;
const LADDER = [
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500],
  ...[1, 2, 5, 10, 15, 20, 30].map((n) => n * S),
  ...[1, 2, 5, 10, 15, 20, 30].map((n) => n * MIN),
  ...[1, 2, 3, 6, 12].map((n) => n * H),
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500].map((n) => n * D),
];

/**
 * A round axis maximum at or above `ms`, in steps a person reads in their unit (500 ms, 2 s, 15 min,
 * 6 h), so a chart's top label is "2 min", not "120000 ms".
 */
export function niceDuration(ms: number): number {
  return LADDER.find((step) => step >= ms) ?? ms;
}
