/**
 * Bulk work at catalogue sizes side by side: the first start's build and `resync --all`, with live
 * changes made during each (they must show within a second), throughput and peak RSS. The origin
 * runs as a process on a throw-away PostgreSQL database (DATABASE_URL's server); the sync-worker here
 * with the product's default bulk limits (BULK_BATCH 200, BULK_SHOPS_PER_S 3000). Not part of `npm test`.
 *
 *   node --import tsx bench/bulk.ts --shops 2000,100000 --regions 500 --store memory,redis
 */
import { writeFile } from "node:fs/promises";
import { parseEnv, SyncWorkerEnv } from "../contract/index.ts";
import { boundHeapGrowth } from "../runtime/node.ts";
import { optionsFromEnv } from "../sync-worker/options.ts";
import { benchArgs, numbers } from "./lib/args.ts";
import { bulkRun } from "./lib/bulk-run.ts";
import { benchUrls } from "./lib/rig.ts";

const args = benchArgs({
  shops: "2000",
  regions: "500",
  store: "memory",
  db: "postgres-async",
  live: "20",
  "bulk-concurrency": "2",
});
// The sync-worker runs in this process: its heap bounded as its Node entry bounds it (HEAP_GROWTH_PERCENT).
const heapGrowth = boundHeapGrowth(process.env);
const urls = benchUrls();
const results = [];
for (const store of args.store.split(",") as ("memory" | "redis")[]) {
  for (const shops of numbers(args.shops, "shops")) {
    console.error(`… ${store} store, ${shops} shops / ${args.regions} regions`);
    const db = args.db === "postgres" ? "postgres" : "postgres-async";
    results.push(
      await bulkRun(
        {
          shops,
          regions: Number(args.regions),
          db,
          store,
          liveChanges: Number(args.live),
          // The product's bulk limits from its own environment schema, BULK_CONCURRENCY as asked.
          sync: {
            bulk: optionsFromEnv(
              parseEnv(SyncWorkerEnv, { LOCAL_DEV: "1", BULK_CONCURRENCY: args["bulk-concurrency"] }),
            ).bulk,
          },
        },
        urls,
      ),
    );
  }
}
console.log(
  `\nbulk work: origin (Node process, ${args.db}) → sync-worker (this process, HEAP_GROWTH_PERCENT ${heapGrowth}, BULK_CONCURRENCY ${args["bulk-concurrency"]}), ${args.live} live changes during each phase`,
);
console.log(
  "| store | shops / regions | seed s | first start: all details s | live during it p50 · p99 ms | resync --all s | shops/s | state calls | live during it p50 · p99 ms | peak RSS MiB (heap used of total, external, at the peak) |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of results)
  console.log(
    `| ${r.store} | ${r.shops.toLocaleString("en")} / ${r.regions} | ${r.seedS} | ${r.buildS} | ${r.duringBuild.p50Ms} · ${r.duringBuild.p99Ms}${r.duringBuild.lost ? ` (${r.duringBuild.lost} lost)` : ""} | ${r.resyncS}${r.resyncState === "done" ? "" : ` ${r.resyncState}`} | ${r.resyncPerSec} | ${r.resyncStateCalls} | ${r.duringResync.p50Ms} · ${r.duringResync.p99Ms} | ${r.peakRssMiB} (heap ${r.atPeak.heapUsedMiB} of ${r.atPeak.heapTotalMiB}, external ${r.atPeak.externalMiB}) |`,
  );
for (const store of new Set(results.map((r) => r.store))) {
  const rows = results.filter((r) => r.store === store).sort((a, b) => a.shops - b.shops);
  const [small, large] = [rows[0], rows.at(-1)];
  if (small && large && small !== large)
    console.log(
      `${store}: resync throughput at ${large.shops} / at ${small.shops} = ${(large.resyncPerSec / small.resyncPerSec).toFixed(2)}x`,
    );
}
await writeFile(
  `bench/results/bulk-${args.shops.replace(/,/g, "-")}-${args.store.replace(/,/g, "-")}.json`,
  `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`,
);
