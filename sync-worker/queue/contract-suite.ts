import { afterEach, describe, expect, it } from "vitest";
import type { ChangeEvent } from "../../contract/index.ts";
import type { ChangeQueue } from "./port.ts";

const event = (id: string): ChangeEvent => ({ type: "shop", id, occurredAt: "2026-11-26T12:00:00.000Z" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What an adapter is made with: the clock the suite drives to make delayed messages due. */
export type QueueSuiteOptions = { now: () => number };

/** One suite for every ChangeQueue adapter: the in-process queue is proven equal to Redis Streams. */
export function queueContractSuite(name: string, make: (options: QueueSuiteOptions) => Promise<ChangeQueue>) {
  describe(`ChangeQueue contract: ${name}`, () => {
    const open: ChangeQueue[] = [];
    let ahead = 0;
    const queue = async () => {
      const q = await make({ now: () => Date.now() + ahead });
      open.push(q);
      return q;
    };
    afterEach(async () => {
      ahead = 0;
      for (const q of open.splice(0)) await q.close();
    });

    it("delivers what was sent, and an ack removes it", async () => {
      const q = await queue();
      await q.send([event("s_1"), event("s_2")]);
      expect(await q.depth()).toEqual({ ready: 2, inFlight: 0, scheduled: 0, nextDueAt: null, bulk: 0 });
      const got = await q.receive(10, 100);
      expect(got.map((d) => d.event.id).sort()).toEqual(["s_1", "s_2"]);
      expect(got.every((d) => d.attempts === 0 && d.source === "live")).toBe(true);
      expect(await q.depth()).toMatchObject({ ready: 0, inFlight: 2 });
      await q.ack(got.map((d) => d.id));
      expect(await q.depth()).toEqual({ ready: 0, inFlight: 0, scheduled: 0, nextDueAt: null, bulk: 0 });
      expect(await q.receive(10, 50)).toEqual([]);
    });

    it("holds a delayed send until it is due", async () => {
      const q = await queue();
      const sent = Date.now();
      await q.send([event("s_later")], { delayMs: 60_000, source: "timer" });
      expect(await q.receive(10, 50)).toEqual([]);
      // A timer is scheduled, not waiting to be processed: an idle queue reads ready 0.
      const depth = await q.depth();
      expect(depth).toMatchObject({ ready: 0, inFlight: 0, scheduled: 1 });
      const due = Date.parse(depth?.nextDueAt ?? "");
      expect(due).toBeGreaterThanOrEqual(sent + 60_000);
      expect(due).toBeLessThanOrEqual(Date.now() + 60_000);
      ahead = 59_000;
      expect(await q.receive(10, 0)).toEqual([]); // not yet
      ahead = 60_001;
      const got = await q.receive(10, 200);
      expect(got.map((d) => [d.event.id, d.source])).toEqual([["s_later", "timer"]]);
    });

    it("redelivers a retried message after its delay with one more attempt", async () => {
      const q = await queue();
      await q.send([event("s_flaky")], { source: "catch-up" });
      const [first] = await q.receive(1, 100);
      if (!first) throw new Error("nothing delivered");
      await q.retry([{ delivery: first, delayMs: 60_000 }]);
      expect(await q.receive(1, 20)).toEqual([]);
      expect(await q.depth()).toMatchObject({ ready: 0, inFlight: 0, scheduled: 1 });
      ahead = 60_001;
      const [second] = await q.receive(1, 200);
      // Still repair work on its second delivery: a retry does not turn it into a live event.
      expect(second).toMatchObject({ event: { id: "s_flaky" }, attempts: 1, source: "catch-up" });
    });

    it("serves the live lane first: a bulk backlog never delays a live event", async () => {
      const q = await queue();
      await q.send(
        Array.from({ length: 30 }, (_, i) => event(`s_bulk_${i}`)),
        { source: "catch-up" },
      );
      await q.send([event("s_live")]);
      expect(await q.depth()).toMatchObject({ ready: 31, bulk: 30 });
      const mixed = await q.receive(5, 0);
      expect(mixed[0]?.event.id).toBe("s_live"); // live first, bulk fills the rest
      expect(mixed.slice(1).every((d) => d.source === "catch-up")).toBe(true);
      await q.ack(mixed.map((d) => d.id));
      await q.send([event("s_live_2")]);
      expect((await q.receive(10, 0, "live")).map((d) => d.event.id)).toEqual(["s_live_2"]);
      const bulk = await q.receive(100, 0, "bulk");
      expect(bulk).toHaveLength(26);
      expect(bulk.every((d) => d.source === "catch-up")).toBe(true);
      await q.ack(bulk.map((d) => d.id)); // acks find each delivery's own lane
      expect(await q.depth()).toMatchObject({ ready: 0, inFlight: 1, bulk: 0 });
    });

    it("a live-lane reader blocked while bulk work waits is woken by a live send", async () => {
      const q = await queue();
      await q.send([event("s_bulk")], { source: "replay" });
      const pending = q.receive(5, 2000, "live");
      await sleep(50); // lets the receive block first (too short only makes the case weaker, never red)
      await q.send([event("s_now")]);
      expect((await pending).map((d) => d.event.id)).toEqual(["s_now"]);
    });

    it("waits for a send while blocked in receive", async () => {
      const q = await queue();
      // A receive that only woke at the end of its wait would hold the test past its timeout.
      const pending = q.receive(5, 60_000);
      await sleep(50); // lets the receive block first: the case under test (as above)
      await q.send([event("s_wake")]);
      const got = await pending;
      expect(got.map((d) => d.event.id)).toEqual(["s_wake"]);
    });
  });
}
