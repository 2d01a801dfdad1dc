import type { Logger } from "../runtime/index.ts";
import type { BatchProcessor } from "./pipeline/process.ts";
import type { ChangeQueue, Lane } from "./queue/port.ts";

/** Bulk batches in flight when not configured (BULK_CONCURRENCY's default off KV). */
export const DEFAULT_BULK_CONCURRENCY = 2;

export type BulkLimits = {
  /** Deliveries per bulk batch: one batched state read each (MAX_STATE_BATCH). */
  batchSize: number;
  /** Bulk shops per second at most, so a catch-up or replay of a day cannot knock over an origin. */
  perSec: number;
  /**
   * Bulk batches in flight at once (default 2): a batch waits on its state read about a third of
   * its time, and with a second one in flight the sync-worker builds while the origin reads.
   */
  concurrency?: number;
};

/**
 * The pull loops for server queues (in-process, Redis Streams): `LIVE_CONCURRENCY` live loops take
 * live events as they come (a batch spends most of its time waiting on the origin's state read, so
 * several in flight keep up with a burst); `BULK_CONCURRENCY` bulk loops work through catch-up, timers
 * and replays at their own pace (`BULK_SHOPS_PER_S` between them), so live events never queue behind bulk work. Each receives a batch, processes
 * it, then acks, retries or dead-letters each delivery. On Workers the Queues batch handler does the
 * same with `msg.ack()` / `msg.retry()` instead.
 */
export class Consumer {
  private running = false;
  private loops: Promise<void>[] = [];
  /** Batches the loops are processing now: drain() waits for them too. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly o: {
      queue: ChangeQueue;
      processor: BatchProcessor;
      logger: Logger;
      batchSize?: number;
      /** Live loops (each a batch in flight); bulk work keeps `bulk.concurrency`, paced. */
      liveConcurrency?: number;
      bulk?: BulkLimits;
      waitMs?: number;
    },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const live = Array.from({ length: this.o.liveConcurrency ?? 1 }, () => "live" as const);
    const bulk = Array.from({ length: this.bulkLoops() }, () => "bulk" as const);
    this.loops = [...live, ...bulk].map((lane) => this.run(lane));
  }

  private bulkLoops(): number {
    return this.o.bulk?.concurrency ?? DEFAULT_BULK_CONCURRENCY;
  }

  private async run(lane: Lane): Promise<void> {
    while (this.running) {
      try {
        const started = Date.now();
        const n = await this.drainOnce(this.o.waitMs ?? 500, lane);
        const perSec = (this.o.bulk?.perSec ?? 0) / this.bulkLoops(); // each loop its share
        if (lane === "bulk" && n > 0 && perSec > 0) {
          const due = started + (n / perSec) * 1000; // pace: n shops may take no less than n / rate
          if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        }
      } catch (error) {
        // A queue or store outage: log, pause, keep the loop alive. Nothing was acked.
        this.o.logger.error("consumer.batch_failed", { lane, error: String(error) });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Receives and settles one batch (of one lane, or live first then bulk); answers how many. */
  async drainOnce(waitMs = 0, lane?: Lane): Promise<number> {
    const { queue, processor } = this.o;
    const size = lane === "bulk" ? (this.o.bulk?.batchSize ?? 200) : (this.o.batchSize ?? 100);
    const batch = await queue.receive(size, waitMs, lane);
    if (batch.length === 0) return 0;
    const work = (async () => {
      const result = await processor.process(batch);
      await queue.retry(result.retry);
      await queue.ack(result.ack);
    })();
    this.inFlight.add(work);
    await work.finally(() => this.inFlight.delete(work));
    return batch.length;
  }

  /**
   * Processes until the queue has nothing ready and the running loops have finished the batches
   * they hold (tests, the bench, a resync's tail): a batch yields while it works (time slicing), so
   * an empty queue alone does not mean its documents are written.
   */
  async drain(): Promise<void> {
    for (;;) {
      await Promise.allSettled([...this.inFlight]);
      if ((await this.drainOnce(0)) === 0 && this.inFlight.size === 0) return;
    }
  }
}
