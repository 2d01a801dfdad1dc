import { breakerGaugeValue, httpOriginClient, type OriginClient, resilientOrigin } from "../clients/index.ts";
import { docKey, parseDocKey } from "../contract/index.ts";
import { type AssetLoader, type Logger, Registry } from "../runtime/index.ts";
import type { EdgeStore } from "../store/port.ts";
import { STORE_USAGE_HELP, usageSeries } from "../store/usage.ts";
import { EdgeCatalogue } from "./catalogue.ts";
import type { EdgeConfig } from "./config.ts";
import { FallbackGate } from "./fallback-gate.ts";
import { createEdgeApp } from "./http/app.ts";
import { fastRead } from "./http/fast-path.ts";
import { createPager } from "./http/pages.ts";
import { L1 } from "./l1.ts";
import { OriginHealth } from "./origin-health.ts";
import { Reader } from "./reader.ts";
import { SearchIndexes } from "./search/regions.ts";
import { createSearch } from "./search/search.ts";

export type EdgeOptions = {
  store: EdgeStore;
  originUrl: string;
  logger: Logger;
  config: EdgeConfig;
  /** Swagger UI files for /docs (server runtimes). */
  docs?: AssetLoader;
  /** STATE_TOKEN, sent with each origin fallback (the state API is closed to anyone else). */
  stateToken: string | null;
  /** Guards /metrics and /healthz's details (METRICS_TOKEN); unset closes /metrics. */
  metricsToken?: string | null;
  /** For tests that reach the origin without TCP; defaults to HTTP at `originUrl`. */
  origin?: OriginClient;
  /** The clock of every time-based decision (tests drive it). */
  now?: () => number;
};

/**
 * Wires one edge from its ports; runtime entries choose the store and call `startProbe` where
 * timers may run (not on Workers, where the breaker alone tells the origin is down).
 */
export function createEdge(o: EdgeOptions) {
  const policy = resilientOrigin(o.origin ?? httpOriginClient(o.originUrl, { token: o.stateToken }), {
    timeoutMs: o.config.originBudgetMs,
    attempts: 1, // a customer is waiting: no retries inside the budget
    concurrency: 64,
    breakAfter: 5,
    halfOpenAfterMs: 2000,
    ...(o.now ? { now: o.now } : {}),
  });
  const health = new OriginHealth({
    url: o.originUrl,
    timeoutMs: o.config.originBudgetMs,
    breakerOpen: () => policy.breaker.state() === "open",
  });
  const l1 = new L1(o.config.l1Bytes);
  const registry = new Registry("edge");
  const refused = registry.counter(
    "fallbacks_refused_total",
    "Misses not sent to the origin: catalogue (no such shop or region: 404), rate (the process's limit), client (the client's)",
  );
  const results = registry.counter(
    "cache_results_total",
    "Reads by X-Cache result (UNAVAILABLE: answered 503)",
  );
  const fetches = registry.counter("origin_fetches_total", "Origin fallbacks by outcome");
  registry.counterFrom("store_operations_total", STORE_USAGE_HELP, usageSeries(o.store));
  registry.gauge(
    "origin_breaker_open",
    "1 while the origin circuit breaker is open, 0.5 half-open, 0 closed",
    () => breakerGaugeValue(policy.breaker.state()),
  );
  registry.gauge("origin_up", "0 while the origin is considered down", () => (health.isDown() ? 0 : 1));
  registry.gauge("l1_entries", "Documents held in the in-process L1", () => l1.size);
  // One series per result, bound once (and exported from zero, as Prometheus prefers).
  const served = Object.fromEntries(
    ["HIT", "MISS", "STALE", "REVALIDATED", "BEHIND", "UNAVAILABLE"].map((r) => [
      r,
      results.child({ result: r }),
    ]),
  );
  const catalogue = new EdgeCatalogue({ store: o.store, logger: o.logger, ...(o.now ? { now: o.now } : {}) });
  const reader = new Reader({
    store: o.store,
    origin: policy.client,
    originDown: () => health.isDown(),
    l1,
    catalogue,
    gate: new FallbackGate({ ...o.config.gate, ...(o.now ? { now: o.now } : {}) }),
    config: o.config,
    logger: o.logger,
    ...(o.now ? { now: o.now } : {}),
    onServed: (result) => served[result]?.inc(),
    onOriginFetch: (result) => fetches.inc({ result }),
    onRefused: (reason) => refused.inc({ reason }),
  });
  const pager = createPager({ retainMs: o.config.cursorRetainMs });
  // Search indexes follow the store's write notifications; a store without them (KV) is re-read.
  const indexes = new SearchIndexes(o.store, {
    ttlMs: o.store.onWrite ? 0 : 10_000,
    maxBytes: o.config.searchBytes,
    ...(o.now ? { now: o.now } : {}),
  });
  const search = createSearch(indexes, {
    catalogue,
    typoCells: o.config.searchTypoCells,
    ...(o.now ? { now: o.now } : {}),
  });
  const app = createEdgeApp({
    reader,
    pager,
    search,
    config: o.config,
    logger: o.logger,
    registry,
    metricsToken: o.metricsToken ?? null,
    ...(o.docs ? { docs: o.docs } : {}),
    health: () => ({
      store: o.store.kind,
      // Which process answered, where there are several (EDGE_PROCESSES); none on Workers.
      pid: typeof process === "undefined" ? null : process.pid,
      origin: health.isDown() ? "down" : "up",
      breaker: policy.breaker.state(),
      l1Entries: l1.size,
      searchRegions: indexes.size,
      searchEntries: indexes.entries,
      searchTop: indexes.top(10),
    }),
  });
  const fast = fastRead(reader, o.config, pager);
  /**
   * Test-only: a throw set here runs inside the fast path, which is outside Hono's error handler —
   * how the fuzz suite proves it would see a fast path that throws (tests/edge-fuzz.test.ts).
   */
  const faults: { fastPath: (() => void) | null } = { fastPath: null };
  // Where the store announces writes, a changed document is read again at once (not after the TTL);
  // the old copy stays behind it, for a read that finds neither the store nor the origin answering.
  const unsubscribe = o.store
    .onWrite?.((key) => {
      l1.expire(key);
      indexes.onWrite(key);
      // A region's main is made from its lists: any of them changing changes it.
      const parsed = parseDocKey(key);
      if (parsed?.kind === "list") l1.expire(docKey.main(parsed.region));
    })
    .catch((e) => {
      o.logger.warn("edge.invalidation_unavailable", { error: String(e) });
      return () => {};
    });
  return {
    app,
    /** What server entries serve: the fast path for hot reads, the app for everything else. */
    fetch: (req: Request, peer?: () => string | undefined): Response | Promise<Response> => {
      faults.fastPath?.();
      return fast(req) ?? app.fetch(req, { peer });
    },
    reader,
    l1,
    health,
    faults,
    breaker: policy.breaker,
    startProbe: (everyMs = 1000) => health.every(everyMs),
    async stop() {
      health.stop();
      (await unsubscribe)?.();
      await o.store.close();
    },
  };
}
