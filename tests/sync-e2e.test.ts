import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATEGORIES, docKey } from "../contract/index.ts";
import { projectDetail } from "../projection/index.ts";
import { engines } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";
import { startStack, TOKENS } from "./stack.ts";

/** End to end on Node with the memory store: origin command → outbox → ingest → queue → documents. */
describe("sync-worker end to end (memory store, in-process queue)", () => {
  const [pglite] = engines();
  let stack: Awaited<ReturnType<typeof startStack>>;
  // One stack for the file: each case changes shops no other case reads (1: change and purge,
  // 2: delete, 3: owner, 5: ad); the first case reads the build before any change.
  beforeAll(async () => {
    stack = await startStack(await (pglite as NonNullable<typeof pglite>).open(), { demoShops: 40 });
    stack.sync.start(0);
    await waitFor(async () => (await stack.store.countDocuments()).detail === 40, 15_000);
    await stack.sync.consumer.drain();
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
    await stack.db.close();
  });
  const shopState = async (id: string) => (await stack.origin("GET", `/state/shops/${id}`)).json;

  it("builds every document from the change feed on start, equal to the projection of origin state", async () => {
    const ids: string[] = (await stack.origin("GET", "/state/shops/ids?limit=100")).json.ids;
    for (const id of ids.slice(0, 10)) {
      const state = await shopState(id);
      const stored = await stack.doc(docKey.detail(id));
      expect({ ...stored, builtAt: null }).toEqual({ ...projectDetail(state, Date.now()), builtAt: null });
    }
    const counts = await stack.store.countDocuments();
    expect(counts.list).toBeGreaterThan(10);
    expect(counts.main).toBeGreaterThanOrEqual(4);
  });

  it("a change through the command API updates detail, list and main", async () => {
    const state = await shopState("s_demo_000001");
    const region = state.shop.regions[0];
    const listKey = docKey.list(region, state.shop.category);
    const mainBefore = await stack.doc(docKey.main(region));
    const countBefore = mainBefore.categories.find(
      (c: { category: string }) => c.category === state.shop.category,
    ).count;
    const wasOpen = state.shop.status === "open";

    const patched = (
      await stack.origin("PATCH", "/shops/s_demo_000001", {
        name: "바뀐 이름",
        status: wasOpen ? "paused" : "open",
      })
    ).json;
    // How soon is bench/sync-lag.ts's figure; here only that it arrives.
    await waitFor(
      async () => (await stack.doc(docKey.detail("s_demo_000001")))?.version === patched.version,
      15_000,
      5,
    );
    expect((await stack.doc(docKey.detail("s_demo_000001"))).name).toBe("바뀐 이름");
    await waitFor(async () => {
      const inList = (await stack.doc(listKey)).shops.some((s: { id: string }) => s.id === "s_demo_000001");
      return inList === !wasOpen;
    }, 1000);
    const mainAfter = await stack.doc(docKey.main(region));
    const countAfter = mainAfter.categories.find(
      (c: { category: string }) => c.category === state.shop.category,
    ).count;
    expect(countAfter).toBe(countBefore + (wasOpen ? -1 : 1));
  });

  it("a deleted shop becomes a tombstone and leaves every list", async () => {
    const state = await shopState("s_demo_000002");
    await stack.origin("PATCH", "/shops/s_demo_000002", { status: "open" });
    await stack.origin("DELETE", "/shops/s_demo_000002");
    await waitFor(async () => (await stack.doc(docKey.detail("s_demo_000002")))?.deleted === true, 10_000);
    for (const region of state.shop.regions) {
      await waitFor(async () => {
        const list = await stack.doc(docKey.list(region, state.shop.category));
        return list && !list.shops.some((s: { id: string }) => s.id === "s_demo_000002");
      }, 2000);
    }
    expect(await stack.store.getMemberships("s_demo_000002")).toEqual([]);
  });

  it("an owner's public change reaches every one of the owner's shops", async () => {
    const ownerId = (await shopState("s_demo_000003")).shop.ownerId;
    const shopIds: string[] = (await stack.origin("GET", `/state/owners/${ownerId}`)).json.shopIds;
    expect(shopIds.length).toBeGreaterThanOrEqual(2);
    await stack.origin("PATCH", `/owners/${ownerId}`, { businessName: "새 상호" });
    for (const id of shopIds) {
      await waitFor(
        async () => (await stack.doc(docKey.detail(id)))?.owner.businessName === "새 상호",
        10_000,
      );
    }
  });

  it("an ad that starts later shows up on time with no event", async () => {
    const startsAt = new Date(Date.now() + 1500).toISOString();
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    await stack.origin("POST", "/ads", {
      shopId: "s_demo_000005",
      product: "open_list",
      regions: ["gangnam"],
      startsAt,
      endsAt,
      bid: 77_000,
    });
    await waitFor(async () => (await stack.doc(docKey.detail("s_demo_000005")))?.version > 1, 15_000);
    const eventsBefore = stack.sync.counters.eventsIn;
    const shown = await waitFor(async () => {
      const doc = await stack.doc(docKey.detail("s_demo_000005"));
      return doc.ads.some((a: { bid: number }) => a.bid === 77_000) ? doc : null;
    }, 15_000);
    // Shown by a build at or after its start — never before it — and no event came in: the clock did it.
    expect(Date.parse(shown.builtAt)).toBeGreaterThanOrEqual(Date.parse(startsAt));
    expect(stack.sync.counters.eventsIn).toBe(eventsBefore);
  });

  it("ingest validates the batch as a whole and needs the token", async () => {
    const good = { type: "shop", id: "s_demo_000001", occurredAt: new Date().toISOString() };
    const bad = await stack.ingest({ events: [good, { ...good, type: "pizza" }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe("events.1.type");
    expect((await stack.ingest(good, "wrong-token")).status).toBe(401);
    expect((await stack.ingest(good, "")).status).toBe(401);
    const one = await stack.ingest(good);
    expect(one).toEqual({ status: 202, json: { accepted: 1 } });
  });

  it("an event for an id the origin never had is settled, not retried or dead-lettered", async () => {
    const processed = stack.sync.counters.eventsProcessed;
    await stack.ingest({ type: "shop", id: "s_never_existed", occurredAt: new Date().toISOString() });
    await waitFor(() => stack.sync.counters.eventsProcessed > processed, 10_000);
    expect(stack.sync.counters.retried).toBe(0);
    expect(await stack.store.countDeadLetters()).toBe(0);
    expect(await stack.doc(docKey.detail("s_never_existed"))).toBeNull();
  });

  it("admin: purge, resync all with progress, status; refused without the admin token", async () => {
    expect((await stack.admin("POST", "/admin/purge", { shopIds: ["s_demo_000001"] })).json).toEqual({
      purged: 1,
    });
    expect(await stack.doc(docKey.detail("s_demo_000001"))).toBeNull();
    // A purged list is rebuilt whole from its shops (nothing else would bring back unchanged entries).
    // A list with shops in it (the cases above paused and deleted some): the first such of gangnam.
    let listKey = "";
    let before = { total: 0, shops: [] as unknown[] };
    for (const category of CATEGORIES) {
      const doc = await stack.doc(docKey.list("gangnam", category));
      if (doc?.total > 0) [listKey, before] = [docKey.list("gangnam", category), doc];
      if (listKey) break;
    }
    expect(before.total).toBeGreaterThan(0);
    expect((await stack.admin("POST", "/admin/purge", { keys: [listKey] })).json).toEqual({ purged: 1 });
    const refilled = await waitFor(async () => await stack.doc(listKey), 5_000);
    expect({ total: refilled.total, shops: refilled.shops }).toEqual({
      total: before.total,
      shops: before.shops,
    });
    expect((await stack.admin("POST", "/admin/purge", { keys: ["nonsense"] })).status).toBe(400);
    expect((await stack.admin("POST", "/admin/purge", { all: true, keys: ["main:mapo"] })).status).toBe(400);
    expect((await stack.admin("GET", "/admin/status", undefined, TOKENS.events)).status).toBe(401);

    const job = await stack.admin("POST", "/admin/resync", { all: true });
    expect(job.status).toBe(202);
    await waitFor(
      async () => (await stack.admin("GET", `/admin/jobs/${job.json.id}`)).json.state === "done",
      10_000,
    );
    const done = (await stack.admin("GET", `/admin/jobs/${job.json.id}`)).json;
    expect(done).toMatchObject({ total: 40, done: 40, failed: 0 });
    expect(await stack.doc(docKey.detail("s_demo_000001"))).not.toBeNull();

    // The checkpoint passes changes once documents reflect them: the next pass after the rebuild.
    expect((await stack.admin("POST", "/admin/catch-up")).json).toMatchObject({ held: 0 });
    const status = (await stack.admin("GET", "/admin/status")).json;
    expect(status).toMatchObject({
      queue: { kind: "memory" },
      breaker: { state: "closed" },
      dlq: { size: 0 },
      store: "memory",
    });
    expect(status.documents.detail).toBe(40);
    expect(status.catchUp.checkpoint).toBeGreaterThanOrEqual(40);
    // The build came by catch-up (repair work), the changes of the cases above as live events.
    expect(status.lag.source).toBe("live");
    expect(status.repair.totals["catch-up"]).toBeGreaterThanOrEqual(40);
    expect(status.repair.totals.resync).toBe(40);
  });
});
