import type { ChangeEvent } from "../contract/events.ts";
import type { Logger } from "../runtime/log.ts";

/**
 * Where a relay's rows come from: the reference origin's outbox, or a team's own outbox table
 * (relay/debezium.ts). A batch is taken oldest first; `done` runs only after the sync-worker
 * accepted its events, so a crash in between re-sends the batch (at least once).
 */
export interface RelaySource {
  take(limit: number): Promise<RelayBatch>;
  /** Periodic upkeep (pruning old rows), run at most once a minute. */
  housekeeping?(): Promise<void>;
  /**
   * Waits for what `done` left running (a source may record deliveries in the background). Not
   * `close`: stopping the relay does not end the source; its owner does (relay/run.ts).
   */
  flush?(): Promise<void>;
}
export type RelayBatch = {
  events: ChangeEvent[];
  /** Rows this batch used up, events or skipped rows alike: 0 means the source is idle. */
  rows: number;
  done(): Promise<void>;
};

export type RelayOptions = {
  syncUrl: string;
  eventsToken: string;
  logger: Logger;
  batchSize?: number;
  /** How often to look for rows when nothing woke the relay (a commit or a NOTIFY wakes it). */
  pollMs?: number;
  /**
   * After a part-full batch, the least time from one round's start to the next (default 10 ms), so
   * rows gather. Under a steady stream every commit would otherwise wake a round of its own — a
   * read, a POST and a mark for one or two events — which at hundreds of commits a second is most of
   * what the relay costs the origin and the sync-worker. Counted from the round's start, not its end:
   * a round that took longer (a busy sync-worker's answer) has gathered rows already, and waiting
   * again on top only added to every event's lag. The first event after a quiet spell leaves at once.
   */
  gatherMs?: number;
  requestTimeoutMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  fetch?: typeof fetch;
  /** The clock rounds are timed by (tests drive it); sleeps still use timers. */
  now?: () => number;
};

/**
 * Delivers a source's rows to the sync-worker's POST /events, in batches, until accepted. Nothing
 * is lost: a row leaves the source only when delivered. While the sync-worker is down or failing it
 * backs off (full jitter) and logs sparsely.
 */
export class EventRelay {
  private running = false;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private failures = 0;
  /** The Retry-After of the last refusal, in ms (0: none). */
  private notBeforeMs = 0;
  private lastHousekeeping = 0;
  /** A commit woke the relay since its round began: the next idle sleep must not wait. */
  private woken = false;
  /** `rounds`: reads of the source so far, delivered or not (a relay that stopped polling shows it). */
  readonly stats = { delivered: 0, failedAttempts: 0, rounds: 0, lastError: null as string | null };

  constructor(
    private readonly source: RelaySource,
    private readonly o: RelayOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after a commit (or a NOTIFY) so an event leaves within milliseconds, not at the poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await this.source.flush?.();
  }

  /** One delivery round; returns how many rows it used up (0 when idle). Throws on failure. */
  async deliverOnce(): Promise<number> {
    const batch = await this.source.take(this.o.batchSize ?? 200);
    if (batch.rows === 0) return 0;
    if (batch.events.length > 0) {
      const response = await (this.o.fetch ?? fetch)(new URL("/events", this.o.syncUrl), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.o.eventsToken}` },
        body: JSON.stringify({ events: batch.events }),
        signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 5000),
      });
      await response.body?.cancel();
      if (!response.ok) {
        // 503 (queue full) and 429 say when to come back: no retry comes sooner than that.
        const retryAfterS = Number(response.headers.get("retry-after"));
        this.notBeforeMs = Number.isFinite(retryAfterS) ? retryAfterS * 1000 : 0;
        throw new Error(`sync-worker answered ${response.status}`);
      }
    }
    await batch.done();
    this.stats.delivered += batch.events.length;
    return batch.rows;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay = this.o.pollMs ?? 500;
      let gathering = false;
      const now = this.o.now ?? Date.now;
      const started = now();
      // Cleared before the read: a commit from here on is either in this round's rows or wakes the
      // next sleep. Without the flag, one committed between an empty read and the sleep waited pollMs.
      this.woken = false;
      try {
        const used = await this.deliverOnce();
        this.stats.rounds++;
        if (this.failures > 0) this.o.logger.info("relay.recovered", { afterFailures: this.failures });
        this.failures = 0;
        // A full batch: drain the backlog at once. A part-full one: let the next rows gather.
        if (used > 0)
          delay = used >= (this.o.batchSize ?? 200) ? 0 : (this.o.gatherMs ?? 10) - (now() - started);
        gathering = used > 0 && delay > 0;
        await this.maybeHousekeeping();
      } catch (error) {
        this.failures++;
        this.stats.failedAttempts++;
        this.stats.lastError = String((error as Error).message ?? error);
        delay = Math.max(this.backoffMs(), this.notBeforeMs);
        this.notBeforeMs = 0;
        // Log the first failure and then sparsely: a sync-worker down for an hour must not flood logs.
        if (this.failures === 1 || this.failures % 20 === 0) {
          this.o.logger.warn("relay.delivery_failed", {
            attempt: this.failures,
            retryInMs: delay,
            error: this.stats.lastError,
          });
        }
      }
      const wakeable = this.failures === 0 && !gathering;
      if (delay > 0 && this.running && !(wakeable && this.woken)) await this.sleep(delay, wakeable);
    }
  }

  /** Full-jitter exponential backoff (AWS architecture blog), so many relays do not retry in step. */
  private backoffMs(): number {
    const { baseMs, maxMs } = this.o.backoff ?? { baseMs: 200, maxMs: 30_000 };
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(this.failures - 1, 20));
    return Math.max(baseMs / 2, Math.random() * ceiling);
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      // While backing off, a new commit must not cut the wait short; only stop() may.
      this.wakeUp = wakeable ? done : () => (this.running ? undefined : done());
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private async maybeHousekeeping(): Promise<void> {
    if (!this.source.housekeeping || Date.now() - this.lastHousekeeping < 60_000) return;
    this.lastHousekeeping = Date.now();
    await this.source.housekeeping();
  }
}
