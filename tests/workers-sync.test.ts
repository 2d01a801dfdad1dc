import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DetailDocument, docKey } from "../contract/index.ts";
import { kvStoreIn } from "../store/kv/workerd-kv.ts";
import { waitFor } from "./event-receiver.ts";
import { syncWorkerInWorkerd, WORKERS_TOKENS } from "./workers-sync-rig.ts";

/**
 * The sync-worker's Workers entry inside workerd (Miniflare): ingest → Cloudflare Queue → queue()
 * handler → state fetched from the origin on Node → documents in KV. Miniflare's KV is immediately
 * consistent; real KV takes up to ~60 s to show a write at other locations (docs/deployment.md).
 */
describe("sync-worker on Workers (workerd via Miniflare, KV + Queues)", () => {
  let rig: Awaited<ReturnType<typeof syncWorkerInWorkerd>>;
  let mf: Miniflare;
  beforeAll(async () => {
    rig = await syncWorkerInWorkerd({
      shops: 10,
      seed: 2,
      queueProducers: { CHANGES: { queueName: "changes" } },
      queueConsumers: { changes: { maxBatchSize: 100, maxBatchTimeout: 1 } },
    });
    mf = rig.mf;
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
  });

  it("turns ingested events into KV documents through the queue handler", async () => {
    const events = Array.from({ length: 10 }, (_, i) => ({
      type: "shop",
      id: `s_demo_${String(i + 1).padStart(6, "0")}`,
      occurredAt: new Date().toISOString(),
    }));
    const res = await mf.dispatchFetch("http://sync.test/events", {
      method: "POST",
      headers: { authorization: `Bearer ${WORKERS_TOKENS.events}`, "content-type": "application/json" },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
    // Read through the KV store adapter, as the edge does: what is stored, not how it is laid out.
    const store = await kvStoreIn(mf, "ec");
    // Lists are written after the batch's details: once one is there, the details are too.
    const listKey = docKey.list("gangnam", "chicken");
    await waitFor(async () => (await store.get(listKey)) !== null, 15_000, 100);
    const doc = DetailDocument.parse(
      JSON.parse((await store.get(docKey.detail("s_demo_000003")))?.body as string),
    );
    expect(doc).toMatchObject({ id: "s_demo_000003", version: 1, deleted: false });
    const list = JSON.parse((await store.get(listKey))?.body as string) as { shops: { id: string }[] };
    expect(list.shops.length).toBeGreaterThan(0);

    const status = await mf.dispatchFetch("http://sync.test/admin/status", {
      headers: { authorization: `Bearer ${WORKERS_TOKENS.admin}` },
    });
    expect(await status.json()).toMatchObject({ queue: { kind: "cloudflare", depth: null }, store: "kv" });

    // The bill as the bindings count it: what the queue handler wrote and settled is in /metrics.
    const scrape = async () =>
      (
        await mf.dispatchFetch("http://sync.test/metrics", {
          headers: { authorization: `Bearer ${WORKERS_TOKENS.metrics}` },
        })
      ).text();
    const series = (metrics: string, name: string, op: string) =>
      Number(
        new RegExp(`^sync_${name}_operations_total\\{op="${op}"\\} (\\d+)$`, "m").exec(metrics)?.[1] ?? -1,
      );
    // The handler acknowledges right after the documents are written: wait for the deletes.
    await waitFor(async () => series(await scrape(), "queue", "deletes") >= 10, 15_000, 100);
    const metrics = await scrape();
    expect(series(metrics, "queue", "writes")).toBeGreaterThanOrEqual(10); // the events, and ad-boundary timers
    expect(series(metrics, "queue", "reads")).toBeGreaterThanOrEqual(10);
    expect(series(metrics, "store", "writes")).toBeGreaterThanOrEqual(10); // ten details (lists: the shards)
    expect(series(metrics, "store", "reads")).toBeGreaterThan(0);
    expect(series(metrics, "store", "do_requests")).toBeGreaterThan(0); // the batch's lists and memberships
    expect(series(metrics, "store", "do_rows_written")).toBeGreaterThan(0);
    // Nothing production would refuse: no key written twice within a second.
    expect(series(metrics, "store", "violations")).toBe(0);
  });

  it("serves the operator console inside workerd: login, page, live panels", async () => {
    const login = await mf.dispatchFetch("http://sync.test/console/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://sync.test" },
      body: new URLSearchParams({ token: WORKERS_TOKENS.admin }).toString(),
      redirect: "manual",
    });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
    expect(cookie).toMatch(/^edge_cache_console=/);
    const page = await mf.dispatchFetch("http://sync.test/console", { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Origin circuit breaker");
    const events = await mf.dispatchFetch("http://sync.test/console/events", { headers: { cookie } });
    expect(events.headers.get("content-type")).toContain("text/event-stream");
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    while (!text.includes("\n\n")) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain("event: panels");
    expect(text).toContain("retry: 1000"); // streams end after a minute; the browser comes back
    expect(text).toContain("panel-breaker");
  });

  it("refuses ingest without the token", async () => {
    const res = await mf.dispatchFetch("http://sync.test/events", { method: "POST", body: "{}" });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });
});
