import { Miniflare } from "miniflare";
import { kvStoreIn, LIST_SHARDS } from "../store/kv/workerd-kv.ts";
import { engines } from "./databases.ts";
import { type Answer, edgeBehaviourSuite } from "./edge-behaviour.ts";
import { countingOrigin } from "./edge-stack.ts";
import { waitFor } from "./event-receiver.ts";
import { METRICS_AUTH, TOKENS } from "./stack.ts";
import { bundleWorker } from "./workers.ts";

const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;
let script: string | null = null;
const L1_TTL_MS = 2000; // generous: a HIT the suite expects must stay one on a slow run

/**
 * The edge's Workers entry inside workerd (Miniflare) over KV, against an origin on Node. Miniflare's
 * KV is immediately consistent; real KV shows a write at other locations only after up to ~60 s.
 */
edgeBehaviourSuite("Workers entry in workerd, KV store", async () => {
  script ??= await bundleWorker("edge/entry/workers.ts");
  const db = await pglite.open();
  const origin = await countingOrigin(db);
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: "2026-04-26",
    kvNamespaces: ["DOCS"],
    durableObjects: LIST_SHARDS,
    bindings: {
      ORIGIN_URL: origin.url,
      STATE_TOKEN: TOKENS.state,
      METRICS_TOKEN: TOKENS.metrics,
      STORE: "kv",
      STORE_PREFIX: "ec",
      EDGE_L1_TTL_MS: String(L1_TTL_MS),
      EDGE_ORIGIN_BUDGET_MS: "3000",
      LOG_LEVEL: "warn",
    },
    cf: false,
    host: "127.0.0.1",
  });
  const store = await kvStoreIn(mf, "ec");
  const get = async (path: string, headers: Record<string, string> = {}): Promise<Answer> => {
    const started = performance.now();
    const res = await mf.dispatchFetch(`http://edge.test${path}`, { headers });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return {
      status: res.status,
      headers: res.headers as unknown as Headers,
      json,
      text,
      ms: performance.now() - started,
    };
  };
  return {
    get,
    putDoc: (key, doc) => store.put(key, doc),
    getDoc: (key) => store.get(key),
    calls: origin.calls,
    patchOrigin: origin.patch,
    killOrigin: origin.kill,
    restartOrigin: origin.restart,
    // No timers between requests on Workers: a request starts the probe; its answer arrives later.
    waitOriginDown: async () => {
      await waitFor(
        async () => {
          await get("/healthz", METRICS_AUTH);
          return ((await get("/healthz", METRICS_AUTH)).json as { origin: string }).origin === "down";
        },
        5000,
        100,
      );
    },
    // workerd's clock is its own (it moves only with I/O) and cannot be driven from a test: real
    // time has to pass the L1 TTL the worker was configured with.
    passL1Ttl: () => new Promise((r) => setTimeout(r, L1_TTL_MS + 50)),
    async stop() {
      await mf.dispose();
      await origin.kill();
      await db.close();
    },
  };
});
