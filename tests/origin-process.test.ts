import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { ShopIdsResponse, ShopStateResponse } from "../contract/index.ts";
import { originDataDir } from "./databases.ts";
import { freePort, startReceiver, waitFor } from "./event-receiver.ts";
import { DEV_STATE, type Service, startService } from "./process.ts";

/**
 * `npm run origin` as a user runs it: a real process on PGlite on disk, seeding demo data, serving the
 * state API, and delivering events to a listener that is down, then up — across a crash and restart.
 */
describe("origin process (PGlite on disk)", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  it("seeds, serves state, and delivers every event once the listener is back, across a crash", async () => {
    const dataDir = await originDataDir("origin-data-"); // migrated already: no initdb to wait for
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const [port, listenerPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: "", // this test is about PGlite on disk, even when the run has a server
      ORIGIN_DATA_DIR: dataDir,
      SYNC_URL: `http://127.0.0.1:${listenerPort}`,
      EVENTS_TOKEN: "process-test-token",
      DEMO_SHOPS: "20",
      LOG_LEVEL: "warn",
    };
    let origin: Service = await startService("origin/entry/node.ts", env, port);
    cleanup.push(() => origin.stop("SIGKILL"));

    const ids = ShopIdsResponse.parse(
      await (await fetch(`${origin.url}/state/shops/ids?limit=5`, { headers: DEV_STATE })).json(),
    );
    expect(ids.ids).toHaveLength(5);
    const state = ShopStateResponse.parse(
      await (await fetch(`${origin.url}/state/shops/${ids.ids[0]}`, { headers: DEV_STATE })).json(),
    );
    expect(state.seq).toBe(20);
    expect(state.shop.menus.length).toBeGreaterThanOrEqual(5);

    const patched = await fetch(`${origin.url}/shops/${ids.ids[0]}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "paused" }),
    });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { version: number }).version).toBe(2);

    // The listener is down: the process crashes with the change undelivered, then starts again. The
    // seeded import is in the change feed (for catch-up) but was never the relay's to send.
    await origin.stop("SIGKILL");
    origin = await startService("origin/entry/node.ts", env, port);
    const listener = await startReceiver(listenerPort);
    cleanup.push(listener.close);
    await waitFor(() => listener.events().length >= 1, 15_000);
    expect(listener.received.every((r) => r.authorization === "Bearer process-test-token")).toBe(true);
    expect(listener.events()).toEqual([{ type: "shop", id: ids.ids[0], occurredAt: expect.any(String) }]);
    const feed = (await (
      await fetch(`${origin.url}/state/changes?after=0`, { headers: DEV_STATE })
    ).json()) as {
      changes: unknown[];
    };
    expect(feed.changes).toHaveLength(21); // the restart re-seeded nothing

    // With the listener up, a change arrives (how soon is measured by bench/sync-lag.ts).
    const before = listener.events().length;
    await fetch(`${origin.url}/shops/${ids.ids[1]}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rating: 4.9 }),
    });
    await waitFor(() => listener.events().length > before, 15_000, 5);
    expect(await origin.stop("SIGTERM")).toBe(0);
  }, 120_000);
});
