import { httpOriginClient, type Logger, type OriginClient, resilientOrigin } from "../contract/index.ts";
import type { DocumentStore } from "../store/port.ts";
import type { EdgeConfig } from "./config.ts";
import { createEdgeApp } from "./http/app.ts";
import { fastDetail } from "./http/fast-path.ts";
import { L1 } from "./l1.ts";
import { OriginHealth } from "./origin-health.ts";
import { Reader } from "./reader.ts";

export type EdgeOptions = {
  store: DocumentStore;
  originUrl: string;
  logger: Logger;
  config: EdgeConfig;
  /** For tests that reach the origin without TCP; defaults to HTTP at `originUrl`. */
  origin?: OriginClient;
};

/**
 * Wires one edge from its ports; runtime entries choose the store and call `startProbe` where
 * timers may run (not on Workers, where the breaker alone tells the origin is down).
 */
export function createEdge(o: EdgeOptions) {
  const policy = resilientOrigin(o.origin ?? httpOriginClient(o.originUrl), {
    timeoutMs: o.config.originBudgetMs,
    attempts: 1, // a customer is waiting: no retries inside the budget
    concurrency: 64,
    breakAfter: 5,
    halfOpenAfterMs: 2000,
  });
  const health = new OriginHealth({
    url: o.originUrl,
    timeoutMs: o.config.originBudgetMs,
    breakerOpen: () => policy.breaker.state() === "open",
  });
  const l1 = new L1(o.config.l1Bytes);
  const reader = new Reader({
    store: o.store,
    origin: policy.client,
    originDown: () => health.isDown(),
    l1,
    config: o.config,
    logger: o.logger,
  });
  const app = createEdgeApp({
    reader,
    config: o.config,
    logger: o.logger,
    health: () => ({
      store: o.store.kind,
      origin: health.isDown() ? "down" : "up",
      breaker: policy.breaker.state(),
      l1Entries: l1.size,
    }),
  });
  const fast = fastDetail(reader, o.config);
  return {
    app,
    /** What server entries serve: the fast path for hot details, the app for everything else. */
    fetch: (req: Request): Response | Promise<Response> => fast(req) ?? app.fetch(req),
    reader,
    l1,
    health,
    breaker: policy.breaker,
    startProbe: (everyMs = 1000) => health.every(everyMs),
    async stop() {
      health.stop();
      await o.store.close();
    },
  };
}
