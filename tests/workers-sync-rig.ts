import { Miniflare, type MiniflareOptions } from "miniflare";
import { seedDemoIfEmpty } from "../origin/demo/seed.ts";
import { createOriginApp } from "../origin/http/app.ts";
import { createLogger } from "../runtime/index.ts";
import { nodeServe } from "../runtime/node.ts";
import { LIST_SHARDS } from "../store/kv/workerd-kv.ts";
import { engines } from "./databases.ts";
import { bundleWorker } from "./workers.ts";

/**
 * The sync-worker's Workers entry inside workerd (Miniflare), with KV and the queues given, against
 * a reference origin on Node over PGlite seeded with `shops` demo shops.
 */
export const WORKERS_TOKENS = {
  events: "workers-events-token-0123456789abcdef",
  admin: "workers-admin-token-0123456789abcdefg",
  state: "workers-state-token-0123456789abcdefg",
  metrics: "workers-metrics-token-0123456789abcdef",
};

export async function syncWorkerInWorkerd(o: {
  shops: number;
  seed: number;
  queueProducers: MiniflareOptions["queueProducers"];
  queueConsumers: MiniflareOptions["queueConsumers"];
}) {
  const db = await (engines()[0] as NonNullable<ReturnType<typeof engines>[0]>).open();
  await seedDemoIfEmpty(db, { shops: o.shops, seed: o.seed });
  const origin = await nodeServe(
    createOriginApp({ db, logger: createLogger("test", "silent"), stateToken: WORKERS_TOKENS.state }).fetch,
    "127.0.0.1",
    0,
  );
  const mf = new Miniflare({
    modules: true,
    script: await bundleWorker("sync-worker/entry/workers.ts"),
    compatibilityDate: "2026-04-26",
    kvNamespaces: ["DOCS"],
    durableObjects: LIST_SHARDS,
    queueProducers: o.queueProducers,
    queueConsumers: o.queueConsumers,
    bindings: {
      ORIGIN_URL: `http://127.0.0.1:${origin.port}`,
      // As a deployment sets them (wrangler secret put): 32+ characters, no LOCAL_DEV.
      EVENTS_TOKEN: WORKERS_TOKENS.events,
      ADMIN_TOKEN: WORKERS_TOKENS.admin,
      STATE_TOKEN: WORKERS_TOKENS.state,
      METRICS_TOKEN: WORKERS_TOKENS.metrics,
      STORE_PREFIX: "ec",
      LOG_LEVEL: "warn",
    },
    cf: false,
    host: "127.0.0.1",
  } as MiniflareOptions);
  return {
    mf,
    async stop() {
      await mf.dispose();
      await origin.close();
      await db.close();
    },
  };
}
