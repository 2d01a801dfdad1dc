import type { Registry } from "../runtime/index.ts";

/**
 * The sync-worker's own instruments (beside the gauges and counters its parts register as they are
 * made): how the origin answers, live lag, repair work, bytes written and rebuild batches. Named
 * `sync_*` by the registry.
 */
export function syncMetrics(registry: Registry) {
  const originSeconds = registry.histogram(
    "origin_request_seconds",
    "Each call to the origin's state API (an attempt: retries count again), by call and outcome",
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  const lagSeconds = registry.histogram(
    "live_lag_seconds",
    "Live events (relay, POST /events): from the origin's commit to the documents written",
    // Fine around a quarter second, where lag targets sit, so a window's p99 is read to within 50 ms.
    [
      0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 2.5, 5, 10, 30,
      60,
    ],
    { zero: true },
  );
  const repairTotal = registry.counter(
    "repair_total",
    "Repair work done: events (catch-up, timer, replay) and shops (resync) rebuilt, by source",
  );
  const repairAge = registry.histogram(
    "repair_age_seconds",
    "How old a repaired change was when its documents were written (catch-up, timer, replay)",
    [1, 10, 60, 300, 900, 3600, 21_600, 86_400, 604_800],
  );
  const bytesPerShop = registry.histogram(
    "store_bytes_per_shop",
    "Bytes written to the store per shop rebuilt: its detail, its list entries, its share of mains",
    [256, 1024, 4096, 8192, 16384, 32768, 65536, 262144, 1048576],
  );
  const batchSeconds = registry.histogram(
    "rebuild_seconds",
    "Each rebuild batch (live, repair or resync) by phase: state reads from the origin, then building",
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  const batchShops = registry.histogram(
    "rebuild_batch_shops",
    "Shops per rebuild batch: large batches under a steady stream mean events wait for each other",
    [1, 2, 5, 10, 25, 50, 100, 200, 500],
  );
  return { originSeconds, lagSeconds, repairTotal, repairAge, bytesPerShop, batchSeconds, batchShops };
}
