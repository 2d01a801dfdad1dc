import type { LagWindow, RepairWindow, SyncCounters } from "./stats.ts";

/**
 * One step of the timeline: live lag quantiles of the events finished in it, the rates over it, and
 * the repair work done in it (how much, and how old the oldest repaired change was).
 */
export type TimelinePoint = {
  at: string;
  lagP50: number | null;
  lagP99: number | null;
  inPerSec: number;
  processedPerSec: number;
  repairPerSec: number;
  repairOldestMs: number | null;
  /** Ready and in flight: what waits to be processed (timers are not counted). */
  depth: number | null;
};

/**
 * The last 15 minutes of this sync-worker, one point per step (5 s by default: 180 points), for the
 * operator console's chart. Sampled by a timer on server runtimes and on demand by the console's
 * stream, so an isolate without timers (Workers) still fills it while someone watches. Memory is
 * bounded by span / step.
 */
export class Timeline {
  private readonly points: TimelinePoint[] = [];
  private last: { at: number; in: number; processed: number };
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly o: {
      lag: LagWindow;
      repair: RepairWindow;
      counters: SyncCounters;
      depth: () => Promise<number | null>;
      stepMs?: number;
      spanMs?: number;
      now?: () => number;
    },
  ) {
    this.last = this.mark(this.now());
  }

  get stepMs(): number {
    return this.o.stepMs ?? 5000;
  }

  /** Closes the current step when it is due; safe to call as often as you like. */
  async sample(): Promise<void> {
    const now = this.now();
    if (now - this.last.at < this.stepMs) return;
    const point = await this.pointSince(this.last, now);
    this.last = this.mark(now);
    this.points.push(point);
    const oldest = now - (this.o.spanMs ?? 15 * 60_000);
    while (this.points.length && Date.parse(this.points[0]?.at ?? "") < oldest) this.points.shift();
  }

  /** Closed steps, oldest first, then the step in progress so the chart reaches "now". */
  async series(): Promise<TimelinePoint[]> {
    return [...this.points, await this.pointSince(this.last, this.now())];
  }

  start(): void {
    this.timer ??= setInterval(() => void this.sample().catch(() => {}), this.stepMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async pointSince(from: { at: number; in: number; processed: number }, now: number) {
    const seconds = Math.max(0.001, (now - from.at) / 1000);
    const lag = this.o.lag.between(from.at, now);
    const repair = this.o.repair.between(from.at, now);
    return {
      at: new Date(now).toISOString(),
      lagP50: lag.p50,
      lagP99: lag.p99,
      inPerSec: (this.o.counters.eventsIn - from.in) / seconds,
      processedPerSec: (this.o.counters.eventsProcessed - from.processed) / seconds,
      repairPerSec: repair.count / seconds,
      repairOldestMs: repair.oldestMs,
      depth: await this.o.depth().catch(() => null),
    };
  }

  private mark(at: number) {
    return { at, in: this.o.counters.eventsIn, processed: this.o.counters.eventsProcessed };
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }
}
