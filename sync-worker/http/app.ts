import type { Hono } from "hono";
import { breakerGaugeValue } from "../../clients/index.ts";
import { syncOpenApi } from "../../contract/index.ts";
import { healthz, mountDocs, serviceApp } from "../../runtime/index.ts";
import { consoleRoutes } from "../console/routes.tsx";
import { waiting } from "../queue/port.ts";
import { adminRoutes } from "./admin.ts";
import type { SyncDeps } from "./deps.ts";
import { ingestRoutes } from "./ingest.ts";

export type { SyncDeps } from "./deps.ts";

/** The sync-worker's HTTP app, runtime-free: ingest, admin and health. */
export function createSyncApp(deps: SyncDeps): Hono {
  const r = deps.registry;
  const app = serviceApp({
    logger: deps.logger,
    registry: r,
    bodyLimitBytes: deps.bodyLimitBytes ?? 1024 * 1024,
    metricsToken: deps.tokens.metrics ?? null,
  });
  const c = deps.counters;
  r.counterFrom("events_in_total", "Events accepted by the ingest", () => c.eventsIn);
  r.counterFrom("events_processed_total", "Events whose documents were written", () => c.eventsProcessed);
  r.counterFrom("events_retried_total", "Deliveries given back to the queue to retry", () => c.retried);
  r.counterFrom(
    "events_refused_total",
    "Events ingest refused with 503: the queue was full",
    () => c.eventsRefused,
  );
  r.counterFrom("dead_lettered_total", "Events moved to the dead-letter queue", () => c.deadLettered);
  r.gauge("queue_depth", "Events waiting to be processed (ready and in flight)", async () =>
    waiting(await deps.queue.depth()),
  );
  r.gauge(
    "queue_scheduled",
    "Events scheduled for later: ad-boundary timers, retries in backoff",
    async () => ((await deps.queue.depth()) ?? { scheduled: null }).scheduled,
  );
  r.gauge("dlq_size", "Dead letters waiting for a replay", () => deps.store.countDeadLetters());
  r.gauge("origin_breaker_open", "1 while the origin circuit breaker is open, 0.5 half-open, 0 closed", () =>
    breakerGaugeValue(deps.breaker.state()),
  );
  healthz(app, {
    metricsToken: deps.tokens.metrics,
    facts: () => ({ queue: deps.queue.kind, store: deps.store.kind }),
  });
  mountDocs(app, "edge-cache sync-worker", syncOpenApi, deps.docs);
  app.route("/", ingestRoutes(deps));
  app.route("/admin", adminRoutes(deps));
  app.route("/console", consoleRoutes(deps, deps.closing ?? (() => false)));
  return app;
}
