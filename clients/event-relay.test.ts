import { afterEach, describe, expect, it } from "vitest";
import type { ChangeEvent } from "../contract/events.ts";
import { createLogger } from "../runtime/log.ts";
import { startReceiver, waitFor } from "../tests/event-receiver.ts";
import { EventRelay, type RelaySource } from "./event-relay.ts";

const silent = createLogger("test", "silent");
const event = (id: string): ChangeEvent => ({ type: "shop", id, occurredAt: new Date().toISOString() });

/**
 * A source over an array, as an outbox table would be: `take` hands out the first rows and `done`
 * removes them. `onTake` runs inside each read, after its snapshot: what commits meanwhile.
 */
function arraySource(rows: ChangeEvent[], onTake: (n: number) => void = () => {}) {
  const takes: { at: number; rows: number }[] = [];
  const source: RelaySource = {
    async take(limit) {
      const batch = rows.slice(0, limit);
      takes.push({ at: Date.now(), rows: batch.length });
      onTake(takes.length - 1);
      return { events: batch, rows: batch.length, done: async () => void rows.splice(0, batch.length) };
    },
  };
  return { source, takes };
}

describe("event relay: when a round runs", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const start = (
    source: RelaySource,
    syncUrl: string,
    o: { pollMs: number; gatherMs?: number; now?: () => number },
  ) => {
    const relay = new EventRelay(source, { syncUrl, eventsToken: "t0ken-123", logger: silent, ...o });
    relay.start();
    cleanups.push(() => relay.stop());
    return relay;
  };

  it("a commit that lands while an empty read is running is sent at once, not at the next poll", async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const rows: ChangeEvent[] = [];
    let relay: EventRelay | null = null;
    // The second read finds nothing, but a commit (and its wake-up) happens while it runs.
    const { source, takes } = arraySource(rows, (n) => {
      if (n !== 1) return;
      rows.push(event("s_late"));
      relay?.wake();
    });
    relay = start(source, receiver.url, { pollMs: 30_000 });
    await waitFor(() => takes.length === 1); // first round: idle, asleep for the poll
    relay.wake(); // the first poll's sleep ends: the second read runs (and finds nothing)
    // Without the wake-up kept across the read, s_late would wait out the 30-s poll.
    await waitFor(() => receiver.events().length === 1, 10_000);
    expect(receiver.events()[0]?.id).toBe("s_late");
  });

  it("a round that took longer than gatherMs is followed at once: rows gathered while it ran", async () => {
    // A driven clock: the sync-worker's first answer "takes" 90 s of it, past a 60-s gatherMs.
    let clock = 0;
    let answers = 0;
    const receiver = await startReceiver(0, async () => {
      if (answers++ === 0) clock += 90_000;
      return 202;
    });
    cleanups.push(receiver.close);
    const rows = [event("s_1")];
    const { source } = arraySource(rows, (n) => {
      if (n === 0) rows.push(event("s_2")); // committed while the first round ran
    });
    start(source, receiver.url, { pollMs: 600_000, gatherMs: 60_000, now: () => clock });
    // Waiting gatherMs again after the round would hold s_2 for a real minute: far past this wait.
    await waitFor(() => receiver.events().length === 2, 10_000);
    expect(receiver.events().map((e) => e.id)).toEqual(["s_1", "s_2"]);
    expect(answers).toBe(2);
  });
});
