import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE_CHECKPOINT } from "../store/port.ts";
import { engines } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";
import { startStack } from "./stack.ts";

const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;
const SHOPS = 15;

/**
 * The catalogue is complete only once every shop the origin enumerates is in it, and shops it lacks
 * while nothing is queued are rebuilt: a store whose change feed never reached back to their
 * creation (pruned outbox, a store built before the catalogue existed) still completes.
 */
describe("the catalogue sweep against the reference origin", () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  // No relay and no catch-up: the query side hears of nothing, as if the feed had been pruned.
  beforeAll(async () => {
    stack = await startStack(await pglite.open(), { demoShops: SHOPS, relay: false });
    stack.sync.consumer.start();
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
    await stack.db.close();
  });

  it("queues the shops it lacks while the queue is idle, then completes once they are built", async () => {
    const first = await stack.sync.catalogue.run();
    expect(first).toMatchObject({ complete: false, missing: SHOPS, queued: SHOPS });
    expect(await stack.store.getCheckpoint(CATALOGUE_CHECKPOINT)).toBeNull();
    await waitFor(async () => (await stack.store.countDocuments()).detail === SHOPS, 30_000);
    await stack.sync.consumer.drain();
    const second = await stack.sync.catalogue.run();
    expect(second).toMatchObject({ complete: true, missing: 0, queued: 0 });
    expect(await stack.store.getCheckpoint(CATALOGUE_CHECKPOINT)).not.toBeNull();
    expect((await stack.admin("GET", "/admin/status")).json.catalogue).toMatchObject({
      complete: true,
      missing: 0,
    });
    // Every shop's regions came with its rebuild: the demo's regions are all there.
    expect(await stack.store.inCatalogue("region", ["gangnam", "mapo", "made-up"])).toEqual([
      true,
      true,
      false,
    ]);
  });

  it("leaves lacking shops to the queue while work is queued, and a purge of everything starts over", async () => {
    await stack.admin("POST", "/admin/purge", { all: true });
    expect((await stack.admin("GET", "/admin/status")).json.catalogue.complete).toBe(false);
    // Something queued and not yet taken (the consumer stopped): the sweep sends nothing.
    await stack.sync.consumer.stop();
    await stack.queue.send([{ type: "shop", id: "s_demo_000001", occurredAt: new Date().toISOString() }], {
      source: "catch-up",
      delayMs: 0,
    });
    const busy = await stack.sync.catalogue.run();
    expect(busy.complete).toBe(false);
    expect(busy.queued).toBe(0);
  });
});
