import type { ChangeEvent } from "../../contract/index.ts";
import { type ChangeQueue, type Delivery, type Lane, laneOf } from "./port.ts";

/**
 * In-process queue for the embedded default (sync-worker and edge in one process). Durable only as
 * long as the process lives — as is the memory store it feeds, so a restart rebuilds both through
 * catch-up from the origin's change feed. Two lanes, live and bulk, each a FIFO.
 */
export function createMemoryQueue(options: { now?: () => number } = {}): ChangeQueue {
  const now = options.now ?? Date.now;
  const ready: Record<Lane, Delivery[]> = { live: [], bulk: [] };
  const inFlight = new Map<string, Delivery>();
  // Delayed deliveries with their due time on the queue's clock; a timer only wakes a blocked
  // receive, what is due is decided by the clock (so a test can drive it instead of sleeping).
  let delayed: { at: number; delivery: Delivery }[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let waiters: (() => void)[] = [];
  let nextId = 0;
  let closed = false;

  const push = (delivery: Delivery) => {
    ready[laneOf(delivery.source)].push(delivery);
    for (const wake of waiters.splice(0)) wake();
  };
  const promote = () => {
    const t = now();
    const due = delayed.filter((d) => d.at <= t);
    if (!due.length) return;
    delayed = delayed.filter((d) => d.at > t);
    for (const d of due.sort((a, b) => a.at - b.at)) push(d.delivery);
  };
  const later = (delivery: Delivery, delayMs: number) => {
    if (delayMs <= 0) return push(delivery);
    delayed.push({ at: now() + delayMs, delivery });
    const timer = setTimeout(() => {
      timers.delete(timer);
      promote();
    }, delayMs);
    timers.add(timer);
  };
  const readyIn = (lane: Lane | undefined) =>
    lane ? ready[lane].length : ready.live.length + ready.bulk.length;
  const take = (max: number, lane: Lane | undefined) => {
    if (lane) return ready[lane].splice(0, max);
    const live = ready.live.splice(0, max);
    return live.length < max ? [...live, ...ready.bulk.splice(0, max - live.length)] : live;
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
    async receive(max, waitMs, lane) {
      promote();
      // The wait is how long a reader blocks (timer time), not the queue's clock.
      const deadline = Date.now() + waitMs;
      // Woken by a send to either lane: wait again until this lane has something or time is up.
      while (readyIn(lane) === 0 && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, deadline - Date.now());
          waiters.push(done);
          function done() {
            clearTimeout(timer);
            waiters = waiters.filter((w) => w !== done);
            resolve();
          }
        });
        if (closed) break;
      }
      const batch = take(max, lane);
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
      promote();
      const next = delayed.length ? Math.min(...delayed.map((d) => d.at)) : null;
      const bulkInFlight = [...inFlight.values()].filter((d) => laneOf(d.source) === "bulk").length;
      return {
        ready: ready.live.length + ready.bulk.length,
        inFlight: inFlight.size,
        scheduled: delayed.length,
        nextDueAt: next === null ? null : new Date(next).toISOString(),
        bulk: ready.bulk.length + bulkInFlight,
      };
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      delayed = [];
      for (const wake of waiters.splice(0)) wake();
    },
  };
}
