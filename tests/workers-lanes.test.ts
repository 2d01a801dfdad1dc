import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, DetailDocument, docKey } from "../contract/index.ts";
import { nodeServe } from "../contract/runtime/node.ts";
import { seedDemoIfEmpty } from "../origin/demo/seed.ts";
import { createOriginApp } from "../origin/http/app.ts";
import { engines } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";
import { bundleWorker } from "./workers.ts";

/**
 * Lanes on Cloudflare Queues: with `CHANGES_BULK` bound, bulk work (here a catch-up) is sent to the
 * second queue and consumed from there. Only the bulk queue has a consumer in this test, so the
 * documents can only have come through it.
 */
describe("sync-worker on Workers: bulk work goes to the CHANGES_BULK queue", () => {
  let mf: Miniflare;
  let origin: Awaited<ReturnType<typeof nodeServe>>;
  let db: Awaited<ReturnType<NonNullable<ReturnType<typeof engines>[0]>["open"]>>;
  beforeAll(async () => {
    db = await (engines()[0] as NonNullable<ReturnType<typeof engines>[0]>).open();
    await seedDemoIfEmpty(db, { shops: 6, seed: 3 });
    origin = await nodeServe(
      createOriginApp({ db, logger: createLogger("test", "silent") }).fetch,
      "127.0.0.1",
      0,
    );
    mf = new Miniflare({
      modules: true,
      script: await bundleWorker("sync-worker/entry/workers.ts"),
      compatibilityDate: "2026-04-26",
      kvNamespaces: ["DOCS"],
      queueProducers: { CHANGES: { queueName: "changes" }, CHANGES_BULK: { queueName: "changes-bulk" } },
      queueConsumers: { "changes-bulk": { maxBatchSize: 100, maxBatchTimeout: 1 } },
      bindings: {
        ORIGIN_URL: `http://127.0.0.1:${origin.port}`,
        EVENTS_TOKEN: "workers-events-token",
        ADMIN_TOKEN: "workers-admin-token",
        STORE_PREFIX: "ec",
        LOG_LEVEL: "warn",
      },
      cf: false,
      host: "127.0.0.1",
    });
  }, 60_000);
  afterAll(async () => {
    await mf?.dispose();
    await origin?.close();
    await db?.close();
  });

  it("a catch-up's events are consumed from the bulk queue", async () => {
    const res = await mf.dispatchFetch("http://sync.test/admin/catch-up", {
      method: "POST",
      headers: { authorization: "Bearer workers-admin-token" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ events: 6 });
    const kv = (await mf.getKVNamespace("DOCS")) as unknown as KVNamespace;
    await waitFor(async () => (await kv.get(`ec:d:${docKey.detail("s_demo_000006")}`)) !== null, 15_000, 100);
    const doc = DetailDocument.parse(
      JSON.parse((await kv.get(`ec:d:${docKey.detail("s_demo_000002")}`)) as string),
    );
    expect(doc).toMatchObject({ id: "s_demo_000002", version: 1 });
  });
});
