import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DetailDocument, docKey } from "../contract/index.ts";
import { waitFor } from "./event-receiver.ts";
import { syncWorkerInWorkerd, WORKERS_TOKENS } from "./workers-sync-rig.ts";

/**
 * Lanes on Cloudflare Queues: with `CHANGES_BULK` bound, bulk work (here a catch-up) is sent to the
 * second queue and consumed from there. Only the bulk queue has a consumer in this test, so the
 * documents can only have come through it.
 */
describe("sync-worker on Workers: bulk work goes to the CHANGES_BULK queue", () => {
  let rig: Awaited<ReturnType<typeof syncWorkerInWorkerd>>;
  let mf: Miniflare;
  beforeAll(async () => {
    rig = await syncWorkerInWorkerd({
      shops: 6,
      seed: 3,
      queueProducers: { CHANGES: { queueName: "changes" }, CHANGES_BULK: { queueName: "changes-bulk" } },
      queueConsumers: { "changes-bulk": { maxBatchSize: 100, maxBatchTimeout: 1 } },
    });
    mf = rig.mf;
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
  });

  it("a catch-up's events are consumed from the bulk queue", async () => {
    const res = await mf.dispatchFetch("http://sync.test/admin/catch-up", {
      method: "POST",
      headers: { authorization: `Bearer ${WORKERS_TOKENS.admin}` },
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
