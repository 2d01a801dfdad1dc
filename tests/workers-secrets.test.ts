import { Miniflare, type MiniflareOptions } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { DEV_TOKENS } from "../contract/tokens.ts";
import { LIST_SHARDS } from "../store/kv/workerd-kv.ts";
import { bundleWorker } from "./workers.ts";

/**
 * Both Workers as the repository's wrangler.toml files deploy them, before anyone has run
 * `wrangler secret put`: the vars they declare, no secrets. Everything a token guards must be
 * closed — and the development tokens, which anyone can read in this repository, must not open it.
 */
describe("Workers deployed without secrets (wrangler.toml vars only, workerd via Miniflare)", () => {
  const workers: Record<"sync" | "edge", Miniflare> = {} as never;
  beforeAll(async () => {
    for (const [name, config, entry] of [
      ["sync", "sync-worker/wrangler.toml", "sync-worker/entry/workers.ts"],
      ["edge", "wrangler.toml", "edge/entry/workers.ts"],
    ] as const) {
      const declared = unstable_getMiniflareWorkerOptions(config).workerOptions;
      expect(Object.keys(declared.bindings ?? {})).not.toContain("LOCAL_DEV");
      workers[name] = new Miniflare({
        modules: true,
        script: await bundleWorker(entry),
        compatibilityDate: "2026-04-26",
        kvNamespaces: ["DOCS"],
        durableObjects: LIST_SHARDS,
        ...(name === "sync" ? { queueProducers: { CHANGES: { queueName: "changes" } } } : {}),
        bindings: { ...(declared.bindings as Record<string, string>), LOG_LEVEL: "silent" },
        cf: false,
        host: "127.0.0.1",
      } as MiniflareOptions);
    }
  }, 60_000);
  afterAll(async () => {
    for (const mf of Object.values(workers)) await mf?.dispose();
  });

  const call = async (
    mf: Miniflare,
    path: string,
    token: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ) => {
    const res = await mf.dispatchFetch(`http://worker.test${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
    });
    return { status: res.status, json: (await res.json().catch(() => null)) as { error?: unknown } | null };
  };
  const notConfigured = (field: string) => ({
    error: {
      code: "not_configured",
      message: expect.stringContaining(field),
      details: [{ field, message: expect.any(String) }],
    },
  });

  it("ingest refuses the development events token: 503 not_configured naming EVENTS_TOKEN", async () => {
    const event = { type: "shop", id: "s_1", occurredAt: new Date().toISOString() };
    const res = await call(workers.sync, "/events", DEV_TOKENS.EVENTS_TOKEN, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
    });
    expect(res).toEqual({ status: 503, json: notConfigured("EVENTS_TOKEN") });
  });

  it("admin and the console refuse the development admin token: 503 not_configured naming ADMIN_TOKEN", async () => {
    for (const [path, method] of [
      ["/admin/status", "GET"],
      ["/admin/purge", "POST"],
      ["/console", "GET"],
      ["/console/login", "POST"],
    ] as const) {
      const res = await call(workers.sync, path, DEV_TOKENS.ADMIN_TOKEN, {
        method,
        ...(method === "POST"
          ? { headers: { "content-type": "application/json" }, body: '{"all":true}' }
          : {}),
      });
      expect([path, res]).toEqual([path, { status: 503, json: notConfigured("ADMIN_TOKEN") }]);
    }
  });

  it("/metrics is closed on both, and /healthz says only that the Worker is up", async () => {
    for (const mf of Object.values(workers)) {
      expect(await call(mf, "/metrics", DEV_TOKENS.METRICS_TOKEN)).toEqual({
        status: 503,
        json: notConfigured("METRICS_TOKEN"),
      });
      expect(await call(mf, "/healthz", DEV_TOKENS.METRICS_TOKEN)).toEqual({
        status: 200,
        json: { status: "ok" },
      });
    }
  });
});
