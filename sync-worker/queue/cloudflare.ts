import type { ChangeEvent } from "../../contract/index.ts";
import type { ChangeQueue } from "./port.ts";

// Cloudflare Queues limits (https://developers.cloudflare.com/queues/platform/limits/):
// 100 messages per sendBatch, delays up to 12 hours. A later ad boundary is re-scheduled by the
// rebuild the capped message triggers, which finds the same boundary still ahead.
const BATCH = 100;
const MAX_DELAY_S = 43_200;

/**
 * The producer side of Cloudflare Queues. Consumption is push-based on Workers (the `queue()` batch
 * handler settles each message with ack/retry), so the pull methods are not available here.
 */
export function cloudflareQueue(queue: Queue<ChangeEvent>): ChangeQueue {
  const pull = () =>
    Promise.reject(new Error("Cloudflare Queues deliver to the queue() handler; there is no pull"));
  return {
    kind: "cloudflare",
    async send(events, options = {}) {
      const delaySeconds = Math.min(MAX_DELAY_S, Math.ceil((options.delayMs ?? 0) / 1000));
      for (let i = 0; i < events.length; i += BATCH) {
        await queue.sendBatch(
          events.slice(i, i + BATCH).map((body) => ({ body, ...(delaySeconds > 0 ? { delaySeconds } : {}) })),
        );
      }
    },
    receive: pull,
    ack: pull,
    retry: pull,
    depth: async () => null,
    close: async () => {},
  };
}
