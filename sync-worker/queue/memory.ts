import type { ChangeEvent } from "../../contract/index.ts";
import type { ChangeQueue, Delivery } from "./port.ts";

/**
 * In-process queue for the embedded default (sync-worker and edge in one process). Durable only as
 * long as the process lives — as is the memory store it feeds, so a restart rebuilds both through
 * catch-up from the origin's change feed.
 */
export function createMemoryQueue(): ChangeQueue {
  const ready: Delivery[] = [];
  const inFlight = new Map<string, Delivery>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let waiters: (() => void)[] = [];
  let nextId = 0;

  const push = (delivery: Delivery) => {
    ready.push(delivery);
    for (const wake of waiters.splice(0)) wake();
  };
  // Due time of each delayed delivery, by its timer: the count and the next one for depth().
  const due = new Map<ReturnType<typeof setTimeout>, number>();
  const later = (delivery: Delivery, delayMs: number) => {
    if (delayMs <= 0) return push(delivery);
    const timer = setTimeout(() => {
      timers.delete(timer);
      due.delete(timer);
      push(delivery);
    }, delayMs);
    timers.add(timer);
    due.set(timer, Date.now() + delayMs);
  };

  return {
    kind: "memory",
    async send(events: readonly ChangeEvent[], options = {}) {
      for (const event of events) {
        later(
          { id: String(++nextId), event, attempts: 0, source: options.source ?? "live" },
          options.delayMs ?? 0,
        );
      }
    },
    async receive(max, waitMs) {
      if (ready.length === 0 && waitMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, waitMs);
          waiters.push(done);
          function done() {
            clearTimeout(timer);
            waiters = waiters.filter((w) => w !== done);
            resolve();
          }
        });
      }
      const batch = ready.splice(0, max);
      for (const d of batch) inFlight.set(d.id, d);
      return batch;
    },
    async ack(ids) {
      for (const id of ids) inFlight.delete(id);
    },
    async retry(items) {
      for (const { delivery, delayMs } of items) {
        inFlight.delete(delivery.id);
        later({ ...delivery, attempts: delivery.attempts + 1 }, delayMs);
      }
    },
    async depth() {
      const next = due.size ? Math.min(...due.values()) : null;
      return {
        ready: ready.length,
        inFlight: inFlight.size,
        scheduled: due.size,
        nextDueAt: next === null ? null : new Date(next).toISOString(),
      };
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      due.clear();
      for (const wake of waiters.splice(0)) wake();
    },
  };
}
