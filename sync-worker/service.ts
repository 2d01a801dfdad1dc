import { resilientOrigin } from "../clients/index.ts";
import { Registry } from "../runtime/index.ts";
import { STORE_USAGE_HELP, usageSeries } from "../store/usage.ts";
import { auditShops } from "./audit.ts";
import { CatalogueSweep } from "./catalogue-sweep.ts";
import { CatchUp } from "./catch-up.ts";
import { Consumer } from "./consumer.ts";
import { createSyncApp } from "./http/app.ts";
import { Jobs } from "./jobs.ts";
import { syncMetrics } from "./metrics.ts";
import type { SyncWorkerOptions } from "./options.ts";
import { OriginMonitor } from "./origin-monitor.ts";
import { BatchProcessor } from "./pipeline/process.ts";
import { Rebuilder } from "./pipeline/rebuild.ts";
import { waiting } from "./queue/port.ts";
import { refillLists } from "./refill.ts";
import { LagWindow, newCounters, RepairWindow } from "./stats.ts";
import { Timeline } from "./timeline.ts";

export { optionsFromEnv, type SyncWorkerOptions } from "./options.ts";

/**
 * Wires one sync-worker from its ports; runtime entries (and the embedded query side) only choose the
 * adapters. `start()` begins consuming and catching up; the app can serve before that.
 */
export function createSyncWorker(o: SyncWorkerOptions) {
  const cooldownMs = o.breakerCooldownMs ?? 5000;
  const registry = new Registry("sync");
  const { originSeconds, lagSeconds, repairTotal, repairAge, bytesPerShop, batchSeconds, batchShops } =
    syncMetrics(registry);
  registry.counterFrom("store_operations_total", STORE_USAGE_HELP, usageSeries(o.store));
  registry.counterFrom(
    "queue_operations_total",
    "Billed queue operations by kind (Cloudflare Queues: writes when sent, reads when delivered, deletes when acknowledged, retries)",
    usageSeries(o.queue),
  );
  const { client: origin, breaker } = resilientOrigin(o.origin, {
    timeoutMs: o.originTimeoutMs ?? 3000,
    halfOpenAfterMs: cooldownMs,
    onAttempt: (call, ms, ok) => originSeconds.observe(ms / 1000, { call, outcome: ok ? "ok" : "error" }),
    ...(o.now ? { now: o.now } : {}),
  });
  const lag = new LagWindow(60_000, 50_000, (ms) => lagSeconds.observe(ms / 1000));
  const repair = new RepairWindow(60_000, 50_000, (source, ms) => {
    repairTotal.inc({ source });
    if (ms !== null) repairAge.observe(ms / 1000, { source });
  });
  const counters = newCounters();
  const rebuilder = new Rebuilder({
    origin,
    store: o.store,
    logger: o.logger,
    onBytes: (bytes, shopId) => {
      bytesPerShop.observe(bytes);
      o.onBytes?.(bytes, shopId);
    },
    onBatch: ({ shops, stateMs, buildMs }) => {
      batchShops.observe(shops);
      batchSeconds.observe(stateMs / 1000, { phase: "state" });
      batchSeconds.observe(buildMs / 1000, { phase: "build" });
    },
    schedule: (event, delayMs) => o.queue.send([event], { delayMs, source: "timer" }),
    ...(o.now ? { now: o.now } : {}),
  });
  const processor = new BatchProcessor({
    origin,
    store: o.store,
    rebuilder,
    lag,
    repair,
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
    liveConcurrency: o.liveConcurrency ?? 4,
    ...(o.bulk ? { bulk: o.bulk } : {}),
  });
  const catchUp = new CatchUp({
    origin,
    store: o.store,
    queue: o.queue,
    logger: o.logger,
    liveLagMs: () => lag.summary().max,
    ...o.catchUp,
    ...(o.now ? { now: o.now } : {}),
  });
  const catalogue = new CatalogueSweep({
    origin,
    store: o.store,
    queue: o.queue,
    logger: o.logger,
    ...(o.now ? { now: o.now } : {}),
  });
  let sweepTimer: ReturnType<typeof setInterval> | null = null;
  const monitor = new OriginMonitor({ origin, logger: o.logger, everyMs: o.originProbeMs ?? 1000 });
  const timeline = new Timeline({
    lag,
    repair,
    counters,
    depth: () => o.queue.depth().then(waiting),
    stepMs: o.timelineStepMs ?? 5000,
  });
  const jobs = new Jobs({
    origin,
    rebuilder,
    store: o.store,
    logger: o.logger,
    repair,
    ...(o.bulk ? { bulk: o.bulk } : {}),
    ...(o.resyncRetryMs ? { retryRoundsMs: o.resyncRetryMs } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
  let closing = false;
  const app = createSyncApp({
    closing: () => closing,
    queue: o.queue,
    store: o.store,
    jobs,
    catchUp,
    catalogue,
    lag,
    repair,
    timeline,
    monitor,
    counters,
    breaker,
    tokens: o.tokens,
    ...(o.trustProxy ? { trustProxy: o.trustProxy } : {}),
    ...(o.queueMaxDepth ? { queueMaxDepth: o.queueMaxDepth } : {}),
    ...(o.now ? { now: o.now } : {}),
    logger: o.logger,
    registry,
    ...(o.docs ? { docs: o.docs } : {}),
    ...(o.edgeUrl ? { edgeUrl: o.edgeUrl } : {}),
    ...(o.rates ? { rates: o.rates } : {}),
    audit: (sample: number) => auditShops({ origin, store: o.store, rebuilder }, sample),
    refill: (keys: readonly string[]) => refillLists({ origin, rebuilder, logger: o.logger }, keys),
  });
  return {
    app,
    consumer,
    catchUp,
    catalogue,
    jobs,
    rebuilder,
    processor,
    breaker,
    lag,
    repair,
    counters,
    monitor,
    timeline,
    /**
     * Consume continuously and catch up now and every `catchUpEveryMs` (0 = only now); check the
     * catalogue after the first pass and every `catalogueSweepMs` (a read of one checkpoint once it
     * is complete).
     */
    start(catchUpEveryMs: number) {
      consumer.start();
      monitor.start();
      timeline.start();
      void catchUp.run().then(() => catalogue.run());
      if (catchUpEveryMs > 0) catchUp.every(catchUpEveryMs);
      const sweepMs = o.catalogueSweepMs ?? 5000;
      if (sweepMs > 0) sweepTimer = setInterval(() => void catalogue.run(), sweepMs);
    },
    /** Ends the console's event streams; call before closing the server so it need not wait. */
    endStreams() {
      closing = true;
    },
    async stop() {
      closing = true;
      catchUp.stop();
      if (sweepTimer) clearInterval(sweepTimer);
      monitor.stop();
      timeline.stop();
      await consumer.stop();
      await o.queue.close();
      await o.store.close();
    },
  };
}
