/**
 * Sync lag over a sliding window: time from the origin's commit (the event's `occurredAt`) to the
 * documents being written. Bounded memory: old samples fall out of the window and the sample count
 * is capped.
 */
export class LagWindow {
  private samples: { at: number; lagMs: number }[] = [];
  constructor(
    private readonly windowMs = 60_000,
    private readonly maxSamples = 50_000,
    /** Also told every sample (the Prometheus histogram). */
    private readonly onRecord?: (lagMs: number) => void,
  ) {}

  record(lagMs: number, at = Date.now()): void {
    this.samples.push({ at, lagMs: Math.max(0, lagMs) });
    this.onRecord?.(Math.max(0, lagMs));
    if (this.samples.length > this.maxSamples) this.samples.splice(0, this.samples.length - this.maxSamples);
  }

  summary(now = Date.now()): LagSummary {
    this.samples = this.samples.filter((s) => now - s.at <= this.windowMs);
    return summarize(this.samples.map((s) => s.lagMs));
  }

  /** Lag of the samples recorded in (from, to]: one step of the console's 15-minute timeline. */
  between(from: number, to: number): LagSummary {
    return summarize(this.samples.filter((s) => s.at > from && s.at <= to).map((s) => s.lagMs));
  }
}

export type LagSummary = { count: number; p50: number | null; p99: number | null; max: number | null };

function summarize(values: number[]): LagSummary {
  const sorted = values.sort((a, b) => a - b);
  const pick = (q: number) =>
    sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null) : null;
  return { count: sorted.length, p50: pick(0.5), p99: pick(0.99), max: sorted.at(-1) ?? null };
}

export type SyncCounters = {
  eventsIn: number;
  eventsProcessed: number;
  retried: number;
  deadLettered: number;
};
export const newCounters = (): SyncCounters => ({
  eventsIn: 0,
  eventsProcessed: 0,
  retried: 0,
  deadLettered: 0,
});
