import { formatDuration } from "../runtime/duration.ts";

/** Plain-text tables for the terminal: readable without colour, aligned by column. */
export function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

export const ms = (v: unknown) => (typeof v === "number" ? formatDuration(v) : "—");

type Status = {
  queue: { kind: string; depth: number | null; scheduled?: number; nextDueAt?: string | null };
  lag: { count: number; p50: number | null; p99: number | null; max: number | null };
  repair?: {
    count: number;
    bySource: Record<string, number>;
    ageP50Ms: number | null;
    oldestMs: number | null;
  };
  breaker: { state: string };
  catchUp: {
    checkpoint: number | null;
    last: {
      at: string;
      events: number;
      held?: number;
      deferred?: number;
      waiting?: number;
      error?: string;
    } | null;
  };
  origin?: { outbox: { pending: number } | null; error: string | null };
  dlq: { size: number };
  documents: { detail: number; list: number; main: number };
  store: string;
};

/** Catch-up, timers, replays and resyncs: how much and how old, apart from the live lag. */
function repairText(r: Status["repair"]): string {
  if (!r || r.count === 0) return "none";
  const by = Object.entries(r.bySource)
    .filter(([, n]) => n > 0)
    .map(([source, n]) => `${n} ${source}`)
    .join(", ");
  return `${by}; age p50 ${ms(r.ageP50Ms)}, oldest ${ms(r.oldestMs)}`;
}

export function statusTable(s: Status): string {
  return table([
    [
      "queue",
      `${s.queue.kind}, ready ${s.queue.depth ?? "n/a"}` +
        (s.queue.scheduled === undefined
          ? ""
          : `, scheduled ${s.queue.scheduled}${s.queue.nextDueAt ? ` (next ${s.queue.nextDueAt})` : ""}`),
    ],
    [
      "live lag (1 min)",
      `p50 ${ms(s.lag.p50)}, p99 ${ms(s.lag.p99)}, max ${ms(s.lag.max)} over ${s.lag.count} events`,
    ],
    ["repair work (1 min)", repairText(s.repair)],
    ["origin breaker", s.breaker.state],
    [
      "origin outbox",
      s.origin?.error
        ? `unknown (${s.origin.error})`
        : s.origin?.outbox
          ? `${s.origin.outbox.pending} undelivered`
          : "not reported",
    ],
    [
      "catch-up",
      s.catchUp.last
        ? `checkpoint ${s.catchUp.checkpoint ?? 0}, last ${s.catchUp.last.at} (${catchUpCounts(s.catchUp.last)}${s.catchUp.last.error ? `, failed: ${s.catchUp.last.error}` : ""})`
        : "not yet",
    ],
    ["dead letters", String(s.dlq.size)],
    [
      "documents",
      `${s.documents.detail} detail, ${s.documents.list} list, ${s.documents.main} main (${s.store})`,
    ],
  ]);
}

/**
 * A pass's counts: queued, and (when any) still held unreflected, left to the live path, or left
 * while bulk work was queued (most likely those very changes).
 */
function catchUpCounts(last: { events: number; held?: number; deferred?: number; waiting?: number }): string {
  const extra = [
    last.held ? `${last.held} held` : "",
    last.deferred ? `${last.deferred} left to live` : "",
    last.waiting ? `${last.waiting} left to queued bulk work` : "",
  ].filter(Boolean);
  return `${last.events} events${extra.length ? `, ${extra.join(", ")}` : ""}`;
}
