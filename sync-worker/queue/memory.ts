import type { ChangeEvent } from "../../contract/index.ts";
import { type ChangeQueue, type Delivery, type Lane, laneOf } from "./port.ts";

/**
 * In-process queue for the embedded default (sync-worker and edge in one process). Durable only as
 * long as the process lives — as is the memory store it feeds, so a restart rebuilds both through
 * catch-up from the origin's change feed. Two lanes, live and bulk, each a FIFO.
 */
export function createMemoryQueue(): ChangeQueue {
  const ready: Record<Lane, Delivery[]> = { live: [], bulk: [] };
  const inFlight = new Map<string, Delivery>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let waiters: (() => void)[] = [];
  let nextId = 0;
  let closed = false;

  const push = (delivery: Delivery) => {
    ready[laneOf(delivery.source)].push(delivery);
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
      const next = due.size ? Math.min(...due.values()) : null;
      const bulkInFlight = [...inFlight.values()].filter((d) => laneOf(d.source) === "bulk").length;
      return {
        ready: ready.live.length + ready.bulk.length,
        inFlight: inFlight.size,
        scheduled: due.size,
        nextDueAt: next === null ? null : new Date(next).toISOString(),
        bulk: ready.bulk.length + bulkInFlight,
      };
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      due.clear();
      for (const wake of waiters.splice(0)) wake();
    },
  };
}
