import type { ChangeEvent } from "../../contract/index.ts";

/** One delivery of a queued event; `attempts` counts earlier failed deliveries (0 on the first). */
export type Delivery = { id: string; event: ChangeEvent; attempts: number };

/**
 * The `ChangeQueue` port (BRIEF §10): durable, at-least-once, unordered. `send` resolves only once the
 * events are held (the ingest answers 202 after it). A delayed send is how rebuilds are scheduled for
 * ad start/end times and how failed deliveries back off: the delay is the queue's job.
 */
export interface ChangeQueue {
  readonly kind: "memory" | "redis" | "cloudflare";
  send(events: readonly ChangeEvent[], options?: { delayMs?: number }): Promise<void>;
  /** Up to `max` deliveries; waits up to `waitMs` when none is ready. */
  receive(max: number, waitMs: number): Promise<Delivery[]>;
  ack(ids: readonly string[]): Promise<void>;
  /** Gives a delivery back, to be delivered again after `delayMs` with `attempts + 1`. */
  retry(deliveries: readonly { delivery: Delivery; delayMs: number }[]): Promise<void>;
  /** Events waiting: ready, in flight and delayed; null where the queue does not tell (Cloudflare). */
  depth(): Promise<number | null>;
  close(): Promise<void>;
}
