import type { ChangeEvent } from "../../contract/index.ts";

/**
 * Why an event is in the queue. Live events came from the origin's relay or `POST /events`: their
 * commit → document time is the sync lag an operator watches. The rest is repair work (catch-up from
 * the change feed, ad-boundary timers, dead-letter replay), whose age says how old the repaired
 * change was, not how slow the pipeline is; counted apart so one never hides in the other.
 */
export type EventSource = "live" | "catch-up" | "timer" | "replay";
export const REPAIR_SOURCES = ["catch-up", "timer", "replay", "resync"] as const;
export type RepairSource = (typeof REPAIR_SOURCES)[number];

/**
 * Two lanes: live events are processed ahead of bulk work (catch-up, timers, replays), so a day's
 * changes never wait behind a rebuild of the catalogue. Each lane has its own consumer loop.
 */
export type Lane = "live" | "bulk";
export const laneOf = (source: EventSource): Lane => (source === "live" ? "live" : "bulk");

/** One delivery of a queued event; `attempts` counts earlier failed deliveries (0 on the first). */
export type Delivery = { id: string; event: ChangeEvent; attempts: number; source: EventSource };

/**
 * What waits, apart: `ready` to be taken now, `inFlight` taken and not yet settled, `scheduled` to
 * come due later (ad-boundary timers, retries waiting out their backoff) with the next one's time.
 * An idle system has ready 0 and in flight 0 however many timers are set.
 */
export type QueueDepth = {
  ready: number;
  inFlight: number;
  scheduled: number;
  nextDueAt: string | null;
  /** Of ready and in flight, how many are bulk work (the rest is live). */
  bulk: number;
};

export type SendOptions = { delayMs?: number; source?: EventSource };

/**
 * The `ChangeQueue` port (docs/sync-worker.md): durable, at-least-once, unordered. `send` resolves only once the
 * events are held (the ingest answers 202 after it). A delayed send is how rebuilds are scheduled for
 * ad start/end times and how failed deliveries back off: the delay is the queue's job. A retried
 * delivery keeps its source.
 */
export interface ChangeQueue {
  readonly kind: "memory" | "redis" | "cloudflare";
  send(events: readonly ChangeEvent[], options?: SendOptions): Promise<void>;
  /**
   * Up to `max` deliveries of one lane, or without `lane` live first then bulk; waits up to `waitMs`
   * when none is ready.
   */
  receive(max: number, waitMs: number, lane?: Lane): Promise<Delivery[]>;
  ack(ids: readonly string[]): Promise<void>;
  /** Gives a delivery back, to be delivered again after `delayMs` with `attempts + 1`. */
  retry(deliveries: readonly { delivery: Delivery; delayMs: number }[]): Promise<void>;
  /** What waits, by kind; null where the queue does not tell (Cloudflare). */
  depth(): Promise<QueueDepth | null>;
  /** Billed operations so far where the queue bills per operation (Cloudflare Queues). */
  usage?(): Record<string, number>;
  close(): Promise<void>;
}

/** Waiting to be processed: what the "queue depth" figure and gauge show. */
export const waiting = (d: QueueDepth | null): number | null => (d ? d.ready + d.inFlight : null);
