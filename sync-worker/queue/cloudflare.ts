import { z } from "zod";
import { ChangeEvent } from "../../contract/index.ts";
import type { ChangeQueue } from "./port.ts";

/** A message body: the event and why it was queued; a bare event (older producers) is live. */
export const QueueMessage = z.union([
  z.object({ event: ChangeEvent, source: z.enum(["live", "catch-up", "timer", "replay"]) }),
  ChangeEvent.transform((event) => ({ event, source: "live" as const })),
]);
export type QueueMessage = z.input<typeof QueueMessage>;

// Cloudflare Queues limits (https://developers.cloudflare.com/queues/platform/limits/):
// 100 messages per sendBatch, delays up to 12 hours. A later ad boundary is re-scheduled by the
// rebuild the capped message triggers, which finds the same boundary still ahead.
const BATCH = 100;
const MAX_DELAY_S = 43_200;

/**
 * The producer side of Cloudflare Queues. Consumption is push-based on Workers (the `queue()` batch
 * handler settles each message with ack/retry), so the pull methods are not available here.
 *
 * Lanes: with a second queue bound (`CHANGES_BULK`), bulk work goes there and its consumer runs
 * beside the live one, so live events never wait behind it. The default wrangler.toml binds one
 * queue: on KV two consumers would be two writers of one list (KV has no compare-and-set), so there
 * bulk and live share the queue in order. Bind the second queue with STORE=upstash (atomic lists).
 */
/**
 * What Queues bills, per message of up to 64 KB (ours are a few hundred bytes): a write when sent, a
 * read when delivered, a delete when acknowledged; a retry is delivered, so read, again. The producer
 * counts writes; the `queue()` handler counts the rest.
 */
export type QueueUsage = { writes: number; reads: number; deletes: number; retries: number };
export const newQueueUsage = (): QueueUsage => ({ writes: 0, reads: 0, deletes: 0, retries: 0 });

export function cloudflareQueue(
  queue: Queue<QueueMessage>,
  bulkQueue?: Queue<QueueMessage>,
  usage: QueueUsage = newQueueUsage(),
): ChangeQueue {
  const pull = () =>
    Promise.reject(new Error("Cloudflare Queues deliver to the queue() handler; there is no pull"));
  return {
    kind: "cloudflare",
    async send(events, options = {}) {
      const delaySeconds = Math.min(MAX_DELAY_S, Math.ceil((options.delayMs ?? 0) / 1000));
      const source = options.source ?? "live";
      const target = source !== "live" && bulkQueue ? bulkQueue : queue;
      for (let i = 0; i < events.length; i += BATCH) {
        usage.writes += Math.min(BATCH, events.length - i);
        await target.sendBatch(
          events
            .slice(i, i + BATCH)
            .map((event) => ({ body: { event, source }, ...(delaySeconds > 0 ? { delaySeconds } : {}) })),
        );
      }
    },
    receive: pull,
    ack: pull,
    retry: pull,
    depth: async () => null,
    usage: () => ({ ...usage }),
    close: async () => {},
  };
}
