import { REPAIR_SOURCES, type RepairSource } from "./queue/port.ts";

/**
 * Appends a sample and keeps the newest `max`. Trimmed in steps of an eighth of `max`: dropping the
 * oldest one per sample moves the whole array each time, and a resync of 100,000 shops records
 * 100,000 samples — that cost 24 s of CPU in a profile of one (bench/results/bulk-profile.txt).
 */
export function keepNewest<T>(samples: T[], sample: T, max: number): void {
  samples.push(sample);
  if (samples.length > max + Math.ceil(max / 8)) samples.splice(0, samples.length - max);
}

/**
 * Live sync lag over a sliding window: time from the origin's commit (the event's `occurredAt`) to
 * the documents being written, for live events only (relay, `POST /events`; see RepairWindow).
 * Bounded memory: old samples fall out of the window and the sample count is capped.
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
    keepNewest(this.samples, { at, lagMs: Math.max(0, lagMs) }, this.maxSamples);
    this.onRecord?.(Math.max(0, lagMs));
  }

  summary(now = Date.now()): LagSummary {
    this.samples = this.samples.filter((s) => now - s.at <= this.windowMs).slice(-this.maxSamples);
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

/**
 * Repair work over a sliding window: how much (shops or events rebuilt per source) and how old the
 * repaired changes were (catch-up, timers and replays carry their commit time; a resync has none).
 * An operator reads "the sync-worker is repairing a day-old gap", not "lag is one day".
 */
export class RepairWindow {
  private samples: { at: number; source: RepairSource; ageMs: number | null }[] = [];
  readonly totals = Object.fromEntries(REPAIR_SOURCES.map((s) => [s, 0])) as Record<RepairSource, number>;
  constructor(
    private readonly windowMs = 60_000,
    private readonly maxSamples = 50_000,
    private readonly onRecord?: (source: RepairSource, ageMs: number | null) => void,
  ) {}

  record(source: RepairSource, ageMs: number | null, at = Date.now()): void {
    const age = ageMs === null ? null : Math.max(0, ageMs);
    keepNewest(this.samples, { at, source, ageMs: age }, this.maxSamples);
    this.totals[source]++;
    this.onRecord?.(source, age);
  }

  summary(now = Date.now()) {
    this.samples = this.samples.filter((s) => now - s.at <= this.windowMs).slice(-this.maxSamples);
    return { windowMs: this.windowMs, ...this.describe(this.samples), totals: { ...this.totals } };
  }

  /** Repair work finished in (from, to]: one step of the console's timeline. */
  between(from: number, to: number) {
    return this.describe(this.samples.filter((s) => s.at > from && s.at <= to));
  }

  private describe(samples: { source: RepairSource; ageMs: number | null }[]) {
    const bySource = Object.fromEntries(REPAIR_SOURCES.map((s) => [s, 0])) as Record<RepairSource, number>;
    for (const s of samples) bySource[s.source]++;
    const ages = summarize(samples.flatMap((s) => (s.ageMs === null ? [] : [s.ageMs])));
    return { count: samples.length, bySource, ageP50Ms: ages.p50, oldestMs: ages.max };
  }
}
export type RepairSummary = ReturnType<RepairWindow["summary"]>;

export type SyncCounters = {
  eventsIn: number;
  eventsProcessed: number;
  retried: number;
  deadLettered: number;
  /** Events ingest refused with 503 while the queue was full (the relay sends them again). */
  eventsRefused: number;
};
export const newCounters = (): SyncCounters => ({
  eventsIn: 0,
  eventsProcessed: 0,
  retried: 0,
  deadLettered: 0,
  eventsRefused: 0,
});
