import {
  type AssetLoader,
  type Logger,
  type OriginClient,
  Registry,
  resilientOrigin,
} from "../contract/index.ts";
import type { DocumentStore } from "../store/port.ts";
import { auditShops } from "./audit.ts";
import { CatchUp } from "./catch-up.ts";
import { Consumer } from "./consumer.ts";
import { createSyncApp } from "./http/app.ts";
import { Jobs } from "./jobs.ts";

import { BatchProcessor } from "./pipeline/process.ts";
import { Rebuilder } from "./pipeline/rebuild.ts";
import type { ChangeQueue } from "./queue/port.ts";
import { LagWindow, newCounters } from "./stats.ts";

export type SyncWorkerOptions = {
  store: DocumentStore;
  queue: ChangeQueue;
  origin: OriginClient;
  logger: Logger;
  tokens: { events: string; admin: string };
  batchSize?: number;
  maxAttempts?: number;
  originTimeoutMs?: number;
  retryBaseMs?: number;
  /** Swagger UI files for /docs (server runtimes). */
  docs?: AssetLoader;
  /** Per-client rate limits of ingest and admin. */
  rates?: { ingestPerSec: number; adminPerSec: number };
  /** How long the origin breaker stays open before a trial call. */
  breakerCooldownMs?: number;
  now?: () => number;
};

/**
 * Wires one sync-worker from its ports; runtime entries (and the embedded query side) only choose the
 * adapters. `start()` begins consuming and catching up; the app can serve before that.
 */
export function createSyncWorker(o: SyncWorkerOptions) {
  const cooldownMs = o.breakerCooldownMs ?? 5000;
  const { client: origin, breaker } = resilientOrigin(o.origin, {
    timeoutMs: o.originTimeoutMs ?? 3000,
    halfOpenAfterMs: cooldownMs,
  });
  const registry = new Registry("sync");
  const lagSeconds = registry.histogram(
    "lag_seconds",
    "From the origin's commit to the documents written",
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  );
  const lag = new LagWindow(60_000, 50_000, (ms) => lagSeconds.observe(ms / 1000));
  const counters = newCounters();
  const rebuilder = new Rebuilder({
    origin,
    store: o.store,
    logger: o.logger,
    schedule: (event, delayMs) => o.queue.send([event], { delayMs }),
    ...(o.now ? { now: o.now } : {}),
  });
  const processor = new BatchProcessor({
    origin,
    store: o.store,
    rebuilder,
    lag,
    counters,
    logger: o.logger,
    maxAttempts: o.maxAttempts ?? 5,
    breaker: { isClosed: () => breaker.state() === "closed", cooldownMs },
    ...(o.retryBaseMs ? { retryBaseMs: o.retryBaseMs } : {}),
  });
  const consumer = new Consumer({
    queue: o.queue,
    processor,
    logger: o.logger,
    batchSize: o.batchSize ?? 100,
  });
  const catchUp = new CatchUp({ origin, store: o.store, queue: o.queue, logger: o.logger });
  const jobs = new Jobs({ origin, rebuilder, logger: o.logger, ...(o.now ? { now: o.now } : {}) });
  const app = createSyncApp({
    queue: o.queue,
    store: o.store,
    jobs,
    catchUp,
    lag,
    counters,
    breaker,
    tokens: o.tokens,
    logger: o.logger,
    registry,
    ...(o.docs ? { docs: o.docs } : {}),
    ...(o.rates ? { rates: o.rates } : {}),
    audit: (sample: number) => auditShops({ origin, store: o.store, rebuilder }, sample),
  });
  return {
    app,
    consumer,
    catchUp,
    jobs,
    rebuilder,
    processor,
    breaker,
    lag,
    counters,
    /** Consume continuously and catch up now and every `catchUpEveryMs` (0 = only now). */
    start(catchUpEveryMs: number) {
      consumer.start();
      void catchUp.run();
      if (catchUpEveryMs > 0) catchUp.every(catchUpEveryMs);
    },
    async stop() {
      catchUp.stop();
      await consumer.stop();
      await o.queue.close();
      await o.store.close();
    },
  };
}
