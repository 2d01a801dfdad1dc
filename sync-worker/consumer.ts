import type { Logger } from "../contract/index.ts";
import type { BatchProcessor } from "./pipeline/process.ts";
import type { ChangeQueue } from "./queue/port.ts";

/**
 * The pull loop for server queues (in-process, Redis Streams): receive a batch, process it, then
 * ack, retry or dead-letter each delivery. On Workers the Queues batch handler does the same with
 * `msg.ack()` / `msg.retry()` instead of this loop.
 */
export class Consumer {
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly o: {
      queue: ChangeQueue;
      processor: BatchProcessor;
      logger: Logger;
      batchSize?: number;
      waitMs?: number;
    },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.drainOnce(this.o.waitMs ?? 500);
        } catch (error) {
          // A queue or store outage: log, pause, keep the loop alive. Nothing was acked.
          this.o.logger.error("consumer.batch_failed", { error: String(error) });
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Receives and settles one batch; returns how many deliveries it handled. */
  async drainOnce(waitMs = 0): Promise<number> {
    const { queue, processor } = this.o;
    const batch = await queue.receive(this.o.batchSize ?? 100, waitMs);
    if (batch.length === 0) return 0;
    const result = await processor.process(batch);
    await queue.retry(result.retry);
    await queue.ack(result.ack);
    return batch.length;
  }

  /** Processes until the queue has nothing ready (tests, the bench, a resync's tail). */
  async drain(): Promise<void> {
    while ((await this.drainOnce(0)) > 0) {}
  }
}
