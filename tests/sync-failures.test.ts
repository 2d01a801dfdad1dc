import { afterEach, describe, expect, it } from "vitest";
import { docKey } from "../contract/index.ts";
import { engines } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";
import { startStack } from "./stack.ts";

describe("sync-worker failures: retry with backoff, dead letters, replay", () => {
  const [pglite] = engines();
  let stack: Awaited<ReturnType<typeof startStack>>;
  afterEach(async () => {
    await stack.stop();
    await stack.db.close();
  });

  it("retries while the origin is down, dead-letters after max attempts, and replays once it is back", async () => {
    // No relay: the five seed changes arrive once, through catch-up, and settle before the outage.
    stack = await startStack(await (pglite as NonNullable<typeof pglite>).open(), {
      demoShops: 5,
      maxAttempts: 3,
      relay: false,
    });
    stack.sync.start(0);
    await waitFor(() => stack.sync.counters.eventsProcessed === 5, 10_000);
    await stack.stopOrigin();

    await stack.ingest({ type: "shop", id: "s_demo_000001", occurredAt: new Date().toISOString() });
    await waitFor(async () => (await stack.store.countDeadLetters()) === 1, 10_000);
    expect(stack.sync.counters.retried).toBe(2); // attempts 1 and 2 retried, the 3rd dead-lettered
    const dlq = (await stack.admin("GET", "/admin/dlq")).json;
    expect(dlq.size).toBe(1);
    expect(dlq.entries[0]).toMatchObject({
      id: "shop:s_demo_000001",
      attempts: 3,
      payload: { type: "shop", id: "s_demo_000001" },
    });
    expect(dlq.entries[0].reason).toMatch(/origin unreachable|circuit|Broken/i);
    expect((await stack.admin("GET", "/admin/status")).json.breaker.state).toBe("open");

    // The origin comes back with a change the sync-worker never heard of.
    await stack.restartOrigin();
    await stack.origin("PATCH", "/shops/s_demo_000001", { name: "돌아온 가게" });
    const replay = await stack.admin("POST", "/admin/dlq/replay", { ids: ["shop:s_demo_000001"] });
    expect(replay.json).toEqual({ replayed: 1, ids: ["shop:s_demo_000001"] });
    await waitFor(
      async () => (await stack.doc(docKey.detail("s_demo_000001")))?.name === "돌아온 가게",
      10_000,
    );
    expect(await stack.store.countDeadLetters()).toBe(0);
  });

  it("catch-up lets a change go once it has held the checkpoint for CATCH_UP_HOLD_S", async () => {
    stack = await startStack(await (pglite as NonNullable<typeof pglite>).open(), {
      demoShops: 3,
      relay: false,
      sync: { catchUp: { holdMs: 0, resendAfterMs: 3_600_000 } },
    });
    stack.sync.start(0);
    await waitFor(async () => (await stack.store.countDocuments()).detail === 3, 10_000);
    await waitFor(async () => (await stack.sync.catchUp.run()).held === 0, 10_000, 50);
    await stack.sync.consumer.stop(); // nothing will reflect the next change
    const before = (await stack.store.getCheckpoint("changes")) as number;
    await stack.origin("PATCH", "/shops/s_demo_000002", { name: "아무도 모르는 변경" });
    expect(await stack.sync.catchUp.run()).toMatchObject({ events: 1, held: 1, to: before });
    // Held past its time (0 here): let go, not sent again, and the checkpoint moves past it.
    expect(await stack.sync.catchUp.run()).toMatchObject({ events: 0, held: 0, to: before + 1 });
  });

  it("a routine catch-up leaves changes younger than the grace (or twice the live lag) to the live path", async () => {
    let ahead = 0; // the sync-worker's clock runs this far ahead of the origin's: time passes on demand
    stack = await startStack(await (pglite as NonNullable<typeof pglite>).open(), {
      demoShops: 3,
      relay: false,
      sync: { catchUp: { graceMs: 60_000, resendAfterMs: 3_600_000 }, now: () => Date.now() + ahead },
    });
    stack.sync.start(0);
    await waitFor(async () => (await stack.store.countDocuments()).detail === 3, 10_000);
    await waitFor(async () => (await stack.sync.catchUp.run()).held === 0, 10_000, 50);
    await stack.sync.consumer.stop(); // the "live queue" never delivers: only catch-up can
    const before = (await stack.store.getCheckpoint("changes")) as number;

    await stack.origin("PATCH", "/shops/s_demo_000002", { name: "아직 오는 중" });
    // Just committed: most likely still on its way as a live event. Not sent, but the checkpoint waits.
    expect(await stack.sync.catchUp.run({ routine: true })).toMatchObject({
      events: 0,
      deferred: 1,
      to: before,
    });
    ahead += 61_000; // past the grace
    expect(await stack.sync.catchUp.run({ routine: true })).toMatchObject({
      events: 1,
      deferred: 0,
      held: 1,
    });

    // The live path lags 70 s of late: a change 61 s old is not called lost yet, unless asked.
    await stack.origin("PATCH", "/shops/s_demo_000003", { name: "밀린 이벤트" });
    ahead += 61_000;
    stack.sync.lag.record(70_000); // measured now (the lag window is by the same clock)
    expect(await stack.sync.catchUp.run({ routine: true })).toMatchObject({ events: 0, deferred: 1 });
    expect(await stack.sync.catchUp.run()).toMatchObject({ events: 1, deferred: 0, held: 2, to: before });
  });

  it("a routine catch-up does not queue again what an earlier pass sent beyond what it could hold", async () => {
    let ahead = 0;
    stack = await startStack(await (pglite as NonNullable<typeof pglite>).open(), {
      demoShops: 3,
      relay: false,
      sync: { catchUp: { graceMs: 0, maxHeld: 1, resendAfterMs: 60_000 }, now: () => Date.now() + ahead },
    });
    stack.sync.start(0);
    await waitFor(async () => (await stack.store.countDocuments()).detail === 3, 10_000);
    await waitFor(async () => (await stack.sync.catchUp.run()).held === 0, 10_000, 50);
    await stack.sync.consumer.stop(); // nothing is processed: what was sent stays queued
    const before = (await stack.store.getCheckpoint("changes")) as number;
    await stack.origin("PATCH", "/shops/s_demo_000002", { name: "첫째" });
    await stack.origin("PATCH", "/shops/s_demo_000003", { name: "둘째" });

    // A first build in small: both sent, one held (maxHeld 1), the other sent beyond it.
    expect(await stack.sync.catchUp.run()).toMatchObject({ events: 2, held: 1 });
    // The next routine pass finds both still missing: neither is queued again yet (at 100,000 shops
    // this pass queued the 50,000 it could not hold a second time), and the checkpoint waits.
    expect(await stack.sync.catchUp.run({ routine: true })).toMatchObject({
      events: 0,
      waiting: 1,
      to: before,
    });
    // After the resend wait, both go again, as a lost queue would need.
    ahead += 61_000;
    expect(await stack.sync.catchUp.run({ routine: true })).toMatchObject({ events: 2, waiting: 0 });
  });

  it("a catch-up pass ends at the head of the feed it read, not chasing a steady stream of changes", async () => {
    let reads = 0;
    let committing = false;
    stack = await startStack(await (pglite as NonNullable<typeof pglite>).open(), {
      demoShops: 3,
      relay: false,
      wrapOrigin: (client) => ({
        ...client,
        // Each read of the feed is followed by a commit before the next: a stream that never pauses.
        changes: async (q, signal) => {
          const page = await client.changes(q, signal);
          if (committing && ++reads < 50)
            await stack.origin("PATCH", "/shops/s_demo_000001", { name: `흐름 ${reads}` });
          return page;
        },
      }),
    });
    stack.sync.start(0);
    await waitFor(async () => (await stack.store.countDocuments()).detail === 3, 10_000);
    await waitFor(async () => (await stack.sync.catchUp.run()).held === 0, 10_000, 50);
    const before = (await stack.store.getCheckpoint("changes")) as number;
    await stack.origin("PATCH", "/shops/s_demo_000002", { name: "하나" });

    committing = true;
    const pass = await stack.sync.catchUp.run({ routine: true });
    committing = false;
    // One short page read: the changes committed while it ran are the next pass's (or live) work.
    expect(reads).toBe(1);
    expect(pass).toMatchObject({ from: before, deferred: 1 });
  });

  it("catch-up repairs an event lost on the way", async () => {
    stack = await startStack(await (pglite as NonNullable<typeof pglite>).open(), {
      demoShops: 3,
      relay: false,
    });
    stack.sync.start(0);
    await waitFor(async () => (await stack.store.countDocuments()).detail === 3, 10_000);
    // No relay and no periodic catch-up (start(0)): nothing delivers this change's event.
    await stack.origin("PATCH", "/shops/s_demo_000002", { name: "잃어버린 이벤트" });
    expect((await stack.doc(docKey.detail("s_demo_000002"))).name).not.toBe("잃어버린 이벤트");
    const report = (await stack.admin("POST", "/admin/catch-up")).json;
    expect(report.events).toBe(1);
    await waitFor(
      async () => (await stack.doc(docKey.detail("s_demo_000002"))).name === "잃어버린 이벤트",
      10_000,
    );
  });
});
