import { type DocKey, formatDocKey } from "../contract/index.ts";
import { edgeConfig } from "../edge/config.ts";
import { createEdge } from "../edge/service.ts";
import type { Database } from "../origin/db/sql.ts";
import { seedDemoIfEmpty } from "../origin/demo/seed.ts";
import { createOriginApp } from "../origin/http/app.ts";
import { createLogger } from "../runtime/index.ts";
import { nodeServe } from "../runtime/node.ts";
import { createMemoryStore } from "../store/memory/memory-store.ts";
import { recorded } from "./api-recorder.ts";
import type { EdgeTarget } from "./edge-behaviour.ts";
import { waitFor } from "./event-receiver.ts";
import { faultyStore } from "./faults.ts";
import { TOKENS } from "./stack.ts";

const silent = createLogger("test", "silent");
const L1_TTL_MS = 200;
const SUITE_L1_TTL_MS = 10_000;

/**
 * An origin on loopback over demo data — every chicken shop open and delivering to gangnam, a list
 * long enough to page — that counts the state calls it answers and can be killed and restarted on
 * its port.
 */
export async function countingOrigin(db: Database, demoShops = 40) {
  await seedDemoIfEmpty(db, { shops: demoShops, seed: 4 });
  await db.query(
    `UPDATE shops SET status = 'open', regions = CASE WHEN regions ? 'gangnam' THEN regions ELSE regions || '["gangnam"]'::jsonb END WHERE category = 'chicken'`,
  );
  const originApp = createOriginApp({
    db,
    logger: silent,
    stateToken: TOKENS.state,
    metricsToken: TOKENS.metrics,
  });
  const calls: string[] = [];
  const counted = recorded("origin", (req: Request) => {
    const url = new URL(req.url);
    if (url.pathname.startsWith("/state/")) calls.push(url.pathname + url.search);
    return originApp.fetch(req);
  });
  let server: Awaited<ReturnType<typeof nodeServe>> | null = await nodeServe(counted, "127.0.0.1", 0);
  const port = server.port;
  return {
    originApp,
    calls,
    url: `http://127.0.0.1:${port}`,
    patch: async (path: string, body: unknown) => {
      const res = await originApp.request(path, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return (await res.json()) as { version: number };
    },
    async kill() {
      await server?.close();
      server = null;
    },
    async restart() {
      server ??= await nodeServe(counted, "127.0.0.1", port);
    },
  };
}

/** The counting origin and an edge in front of it, with a memory store that can be made to fail. */
export async function startEdgeStack(
  db: Database,
  options: {
    demoShops?: number;
    config?: Parameters<typeof edgeConfig>[0];
    compress?: Parameters<typeof edgeConfig>[1];
  } = {},
) {
  const origin = await countingOrigin(db, options.demoShops);
  // The edge's clock runs this far ahead of the wall: `advance` moves L1 TTLs and max ages past
  // without a sleep.
  let ahead = 0;
  const inner = createMemoryStore();
  const faulty = faultyStore(inner);
  const edge = createEdge({
    store: faulty.store,
    originUrl: origin.url,
    stateToken: TOKENS.state,
    metricsToken: TOKENS.metrics,
    logger: silent,
    now: () => Date.now() + ahead,
    config: edgeConfig(
      {
        EDGE_ORIGIN_BUDGET_MS: 3000, // a cold origin on a loaded machine is slow; budget cases set their own
        EDGE_STORE_BUDGET_MS: 100,
        EDGE_L1_TTL_MS: L1_TTL_MS,
        ...options.config,
      },
      options.compress ?? null,
    ),
  });
  const edgeFetch = recorded("edge", edge.fetch);
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const started = performance.now();
    // Through `fetch`, as servers call it: the fast path first, then the app.
    const res = await edgeFetch(new Request(`http://edge.test${path}`, { headers }));
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: checked field by field in tests
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, headers: res.headers, json, text, ms: performance.now() - started };
  };
  return {
    db,
    edge,
    store: inner,
    storeFaults: faulty.state,
    origin,
    calls: origin.calls,
    originApp: origin.originApp,
    get,
    key: (k: DocKey) => formatDocKey(k),
    /** Moves the edge's clock on by `ms` (L1 TTLs, max ages, limits), as if that time had passed. */
    advance: (ms: number) => {
      ahead += ms;
    },
    killOrigin: origin.kill,
    restartOrigin: origin.restart,
    async stop() {
      edge.health.stop();
      await origin.kill();
    },
  };
}

/** The Node edge as a target of the shared behaviour suite. */
export async function nodeEdgeTarget(db: Database): Promise<EdgeTarget> {
  // A long L1 TTL, passed by moving the clock: a HIT the suite expects stays one however slowly
  // the machine runs the case.
  const s = await startEdgeStack(db, { config: { EDGE_L1_TTL_MS: SUITE_L1_TTL_MS } });
  s.edge.startProbe(50);
  return {
    get: s.get,
    putDoc: (key, doc) => s.store.put(key, doc),
    getDoc: (key) => s.store.get(key),
    calls: s.calls,
    patchOrigin: s.origin.patch,
    killOrigin: s.killOrigin,
    restartOrigin: s.restartOrigin,
    waitOriginDown: () => waitFor(() => s.edge.health.isDown(), 3000).then(() => undefined),
    passL1Ttl: async () => s.advance(SUITE_L1_TTL_MS + 1),
    async stop() {
      await s.stop();
      await db.close();
    },
  };
}
