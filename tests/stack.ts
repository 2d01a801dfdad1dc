import { httpOriginClient, type OriginClient } from "../clients/index.ts";
import { mainFromStore } from "../edge/main-from-store.ts";
import type { Database } from "../origin/db/sql.ts";
import { seedDemoIfEmpty } from "../origin/demo/seed.ts";
import { createOriginApp } from "../origin/http/app.ts";
import { OutboxRelay } from "../origin/relay.ts";
import { createLogger } from "../runtime/index.ts";
import { nodeServe } from "../runtime/node.ts";
import { createMemoryStore } from "../store/memory/memory-store.ts";
import type { DocumentStore } from "../store/port.ts";
import { createMemoryQueue } from "../sync-worker/queue/memory.ts";
import type { ChangeQueue } from "../sync-worker/queue/port.ts";
import { createSyncWorker } from "../sync-worker/service.ts";
import { recorded } from "./api-recorder.ts";

export const TOKENS = {
  events: "stack-events-token",
  admin: "stack-admin-token",
  state: "stack-state-token-0123456789abcdef",
  metrics: "stack-metrics-token-0123456789abcdef",
};
const silent = createLogger("test", "silent");
/** The header that reads /metrics and /healthz's details of a stack's services. */
export const METRICS_AUTH = { authorization: `Bearer ${TOKENS.metrics}` };

/**
 * Origin and sync-worker as real HTTP servers on loopback, in one test process: the origin's relay
 * posts events to the sync-worker's ingest, the sync-worker fetches state over HTTP. Only the
 * process boundary is missing (tests/origin-process.test.ts covers that for the origin).
 */
export async function startStack(
  db: Database,
  options: {
    demoShops?: number;
    store?: DocumentStore;
    queue?: ChangeQueue;
    maxAttempts?: number;
    relay?: boolean;
    /** Wraps the sync-worker's origin client (the bench counts state calls through it). */
    wrapOrigin?: (client: OriginClient) => OriginClient;
    /** Extra sync-worker options (probe and timeline steps, a logger to read). */
    sync?: Partial<Parameters<typeof createSyncWorker>[0]>;
  } = {},
) {
  if (options.demoShops) await seedDemoIfEmpty(db, { shops: options.demoShops, seed: 11 });
  const store = options.store ?? createMemoryStore();
  // The queue's delays run on the sync-worker's clock when a test drives it.
  const queue = options.queue ?? createMemoryQueue(options.sync?.now ? { now: options.sync.now } : {});
  let relay: OutboxRelay | null = null;
  const originApp = createOriginApp({
    db,
    logger: silent,
    stateToken: TOKENS.state,
    metricsToken: TOKENS.metrics,
    onCommit: () => relay?.wake(),
  });
  const originFetch = recorded("origin", originApp.fetch);
  let origin: Awaited<ReturnType<typeof nodeServe>> | null = await nodeServe(originFetch, "127.0.0.1", 0);
  const originPort = origin.port;
  const originUrl = `http://127.0.0.1:${origin.port}`;
  const sync = createSyncWorker({
    store,
    queue,
    origin: (options.wrapOrigin ?? ((c) => c))(httpOriginClient(originUrl, { token: TOKENS.state })),
    logger: silent,
    tokens: TOKENS,
    maxAttempts: options.maxAttempts ?? 5,
    retryBaseMs: 50,
    originTimeoutMs: 1000,
    breakerCooldownMs: 300,
    ...options.sync,
  });
  // The socket's address reaches the app as `peer`, as the runtime entries pass it (per-client limits).
  const syncServer = await nodeServe(
    (req, peer) => recorded("sync-worker", (r: Request) => sync.app.fetch(r, { peer }))(req),
    "127.0.0.1",
    0,
  );
  const syncUrl = `http://127.0.0.1:${syncServer.port}`;
  if (options.relay !== false) {
    relay = new OutboxRelay({ db, syncUrl, eventsToken: TOKENS.events, logger: silent, pollMs: 100 });
    relay.start();
  }
  const call = async (base: string, method: string, path: string, body?: unknown, token?: string) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: checked field by field in tests
    return { status: res.status, json: (await res.json().catch(() => null)) as any };
  };
  return {
    db,
    store,
    queue,
    sync,
    originUrl,
    syncUrl,
    relay,
    /** The origin's API; the state API's reads carry STATE_TOKEN, as the query side's do. */
    origin: (method: string, path: string, body?: unknown) =>
      call(originUrl, method, path, body, path.startsWith("/state/") ? TOKENS.state : undefined),
    /** GET /metrics (or /healthz with details) of `base`, with METRICS_TOKEN. */
    scrape: async (base: string, path = "/metrics") =>
      (await fetch(`${base}${path}`, { headers: METRICS_AUTH })).text(),
    admin: (method: string, path: string, body?: unknown, token = TOKENS.admin) =>
      call(syncUrl, method, path, body, token),
    ingest: (body: unknown, token = TOKENS.events) => call(syncUrl, "POST", "/events", body, token),
    /** Stored document, parsed; null when absent. */
    doc: async (key: string) => {
      // Mains are made from the region's lists when read, as the edge does.
      const d = key.startsWith("main:") ? await mainFromStore(store, key.slice(5)) : await store.get(key);
      // biome-ignore lint/suspicious/noExplicitAny: documents are checked field by field in tests
      return d ? (JSON.parse(d.body) as any) : null;
    },
    async stop() {
      await relay?.stop();
      await sync.stop();
      await syncServer.close();
      await origin?.close();
    },
    /** Takes the origin off the network (its database stays), as an outage would. */
    async stopOrigin() {
      await origin?.close();
      origin = null;
    },
    async restartOrigin() {
      origin ??= await nodeServe(originFetch, "127.0.0.1", originPort);
    },
  };
}
