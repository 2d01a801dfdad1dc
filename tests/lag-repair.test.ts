import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docKey } from "../contract/index.ts";
import { engines } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";
import { startStack } from "./stack.ts";

const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;
const SHOPS = 12;

/**
 * What an operator reads must be true: catch-up, timers, replays and resyncs are repair work, counted
 * apart from the live lag (relay and POST /events), and scheduled timers are not queue depth.
 */
describe("live lag and repair work, ready and scheduled", () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  // No relay: the seeded shops reach the query side only through catch-up, as after a restart. One
  // stack: the idle-queue case reads it first, before the other makes any change.
  beforeAll(async () => {
    stack = await startStack(await pglite.open(), { demoShops: SHOPS, relay: false });
    stack.sync.start(0);
    await waitFor(async () => (await stack.store.countDocuments()).detail === SHOPS, 15_000);
    await stack.sync.consumer.drain();
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
    await stack.db.close();
  });
  const status = async () => (await stack.admin("GET", "/admin/status")).json;
  const metrics = async () => stack.scrape(stack.syncUrl);

  it("an idle queue has nothing ready; ad-boundary timers show as scheduled with the next one's time", async () => {
    // The demo's first shops carry ads that start or end within the hour: their rebuilds are timers.
    const s = await status();
    expect(s.queue).toMatchObject({ kind: "memory", depth: 0, ready: 0, inFlight: 0 });
    expect(s.queue.scheduled).toBeGreaterThan(0);
    const next = Date.parse(s.queue.nextDueAt);
    expect(next).toBeGreaterThan(Date.now());
    expect(next).toBeLessThan(Date.now() + 61 * 60_000);
    const text = await metrics();
    expect(text).toMatch(/^sync_queue_depth 0$/m);
    expect(text).toMatch(new RegExp(`^sync_queue_scheduled ${s.queue.scheduled}$`, "m"));
  });

  it("a catch-up rebuild is repair work with its age, never live lag", async () => {
    const first = await status();
    expect(first.lag).toMatchObject({ source: "live", count: 0, p99: null });
    expect(first.repair.bySource["catch-up"]).toBeGreaterThanOrEqual(SHOPS);
    expect(first.repair.oldestMs).toBeGreaterThan(0);
    expect(await metrics()).toMatch(/^sync_repair_total\{source="catch-up"\} \d+$/m);

    // A live event: its commit → document time is the lag.
    await stack.origin("PATCH", "/shops/s_demo_000002", { name: "실시간" });
    const event = { type: "shop", id: "s_demo_000002", occurredAt: new Date().toISOString() };
    expect((await stack.ingest(event)).status).toBe(202);
    await waitFor(async () => (await stack.doc(docKey.detail("s_demo_000002")))?.name === "실시간", 5000);
    await waitFor(async () => (await status()).lag.count === 1, 5000);
    const live = (await status()).lag;
    expect(live.p99).toEqual(expect.any(Number)); // measured (how much: bench/sync-lag.ts)
    expect(await metrics()).toMatch(/^sync_live_lag_seconds_count 1$/m);

    // A change the relay never delivered, found by the next catch-up: repair again, lag untouched.
    await stack.origin("PATCH", "/shops/s_demo_000003", { name: "따라잡기" });
    const repairedBefore = (await status()).repair.totals["catch-up"];
    await stack.admin("POST", "/admin/catch-up");
    await waitFor(async () => (await stack.doc(docKey.detail("s_demo_000003")))?.name === "따라잡기", 5000);
    await waitFor(async () => (await status()).repair.totals["catch-up"] > repairedBefore, 5000);
    expect((await status()).lag.count).toBe(1);

    // A resync's shops are repair work too (no commit time, so no age).
    await stack.admin("POST", "/admin/resync", { shopIds: ["s_demo_000001", "s_demo_000004"] });
    await waitFor(async () => (await status()).repair.bySource.resync === 2, 5000);
    expect((await status()).lag.count).toBe(1);
  });
});
