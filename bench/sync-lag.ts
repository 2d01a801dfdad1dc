/**
 * Sync lag and cost per change at catalogue sizes side by side, end to end: origin command → outbox
 * → relay → ingest → queue → state fetch → documents. For each size it seeds a throw-away database,
 * waits for the first build to settle, then makes N changes at R changes/s (menu prices, shop names,
 * rank changes in turn) and reports lag p50/p99, state calls per change and bytes written to the
 * store per change. Not part of `npm test`.
 *
 *   npm run bench:lag                                                   # 200 changes at 100/s, 200 shops
 *   node --max-old-space-size=12000 --import tsx bench/sync-lag.ts --db postgres-async \
 *        --shops 2000,100000 --regions 500 --rate 50,100 --changes 900 --store memory,redis
 *                                                                       # the Scale I figures
 */
import { writeFile } from "node:fs/promises";
import { benchArgs, numbers } from "./lib/args.ts";
import { lagRun } from "./lib/lag-run.ts";
import { benchUrls } from "./lib/rig.ts";

const args = benchArgs({
  changes: "200",
  rate: "100",
  shops: "200",
  regions: "10",
  db: "postgres",
  store: "memory",
  wait: "0",
});
const db: "postgres" | "postgres-async" = args.db === "postgres-async" ? "postgres-async" : "postgres";
const urls = benchUrls();
const results = [];
for (const store of args.store.split(",") as ("memory" | "redis")[]) {
  for (const shops of numbers(args.shops, "shops")) {
    const r = {
      shops,
      regions: Number(args.regions),
      db,
      store,
      changes: Number(args.changes),
      rates: numbers(args.rate, "rate"),
      waitS: Number(args.wait),
    };
    console.error(`… ${store} store, ${shops} shops / ${r.regions} regions`);
    results.push(...(await lagRun(r, urls)));
  }
}

const kb = (b: number) => (b / 1024).toFixed(1);
console.log(
  `\nsync lag and cost per change: origin (Node process, ${db}) → relay → sync-worker (Node, this process) → ${args.store} store`,
);
console.log(
  "| store | shops / regions | seed s | first build s | rate (target/achieved) | p50 ms | p99 ms | p99 ms: to sync-worker · in it | stalls ms: loop max · GC max | state calls / change (timer rebuilds) | KB written / change p50 · p99: menu · name · rank |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
for (const r of results) {
  const b = r.bytes;
  console.log(
    `| ${r.store} | ${r.shops.toLocaleString("en")} / ${r.regions} | ${r.seedS} | ${r.buildS} | ${r.rate}/${r.achievedRate} | ${r.p50Ms} | ${r.p99Ms} | ${r.toSyncP99Ms} · ${r.inSyncP99Ms} | ${r.stalls.loopMaxMs} · ${r.stalls.gcMaxMs} | ${r.stateCallsPerChange} (${r.timerRebuilds}) | ${kb(b.menu.p50)}·${kb(b.menu.p99)} · ${kb(b.name.p50)}·${kb(b.name.p99)} · ${kb(b.rank.p50)}·${kb(b.rank.p99)} |`,
  );
}
// The scale question: the same rate at the smallest and the largest catalogue, per store.
for (const store of new Set(results.map((r) => r.store))) {
  for (const rate of new Set(results.map((r) => r.rate))) {
    const rows = results
      .filter((r) => r.store === store && r.rate === rate)
      .sort((a, b) => a.shops - b.shops);
    const [small, large] = [rows[0], rows.at(-1)];
    if (small && large && small !== large)
      console.log(
        `${store} at ${rate}/s: p99 at ${large.shops} shops / p99 at ${small.shops} = ${(large.p99Ms / small.p99Ms).toFixed(2)}x`,
      );
  }
}
await writeFile(
  `bench/results/sync-lag-${args.shops.replace(/,/g, "-")}-${db}-${args.store.replace(/,/g, "-")}.json`,
  `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`,
);
