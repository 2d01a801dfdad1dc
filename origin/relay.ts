import type { Logger } from "../contract/log.ts";
import type { Database } from "./db/sql.ts";
import { markDelivered, pendingChanges, pruneDelivered, toEvent } from "./domain/outbox.ts";

export type RelayOptions = {
  db: Database;
  syncUrl: string;
  eventsToken: string;
  logger: Logger;
  batchSize?: number;
  /** How often to look for rows written by another process (this process wakes the relay itself). */
  pollMs?: number;
  requestTimeoutMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  retentionHours?: number;
  fetch?: typeof fetch;
};

/**
 * Delivers outbox rows to the sync-worker, oldest first, in batches, until they are accepted.
 * At-least-once: a crash after the POST and before the mark re-sends the batch on restart, which the
 * query side absorbs (events are idempotent). Nothing is lost: a row leaves only when delivered.
 */
export class OutboxRelay {
  private running = false;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private failures = 0;
  private lastPrune = 0;
  readonly stats = { delivered: 0, failedAttempts: 0, lastError: null as string | null };

  constructor(private readonly o: RelayOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after a commit so an event leaves within milliseconds instead of waiting for the poll. */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** One delivery round; returns how many rows were delivered (0 when idle). Throws on failure. */
  async deliverOnce(): Promise<number> {
    const rows = await pendingChanges(this.o.db, this.o.batchSize ?? 200);
    if (rows.length === 0) return 0;
    const response = await (this.o.fetch ?? fetch)(new URL("/events", this.o.syncUrl), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.o.eventsToken}` },
      body: JSON.stringify({ events: rows.map(toEvent) }),
      signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 5000),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`sync-worker answered ${response.status}`);
    await markDelivered(
      this.o.db,
      rows.map((r) => r.seq),
    );
    this.stats.delivered += rows.length;
    return rows.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay = this.o.pollMs ?? 500;
      try {
        const delivered = await this.deliverOnce();
        if (this.failures > 0) this.o.logger.info("relay.recovered", { afterFailures: this.failures });
        this.failures = 0;
        if (delivered > 0) delay = 0; // drain a backlog batch after batch
        await this.maybePrune();
      } catch (error) {
        this.failures++;
        this.stats.failedAttempts++;
        this.stats.lastError = String((error as Error).message ?? error);
        delay = this.backoffMs();
        // Log the first failure and then sparsely: a sync-worker down for an hour must not flood logs.
        if (this.failures === 1 || this.failures % 20 === 0) {
          this.o.logger.warn("relay.delivery_failed", {
            attempt: this.failures,
            retryInMs: delay,
            error: this.stats.lastError,
          });
        }
      }
      if (delay > 0 && this.running) await this.sleep(delay, this.failures === 0);
    }
  }

  /** Full-jitter exponential backoff (AWS architecture blog), so many origins do not retry in step. */
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

  private async maybePrune(): Promise<void> {
    if (Date.now() - this.lastPrune < 60_000) return;
    this.lastPrune = Date.now();
    const pruned = await pruneDelivered(this.o.db, this.o.retentionHours ?? 168);
    if (pruned > 0) this.o.logger.info("relay.pruned", { rows: pruned });
  }
}
