/**
 * `npm run bench` (never part of `npm test`): the edge against its peers and its ceiling, sync
 * freshness and throughput, full resync — measured side by side in one run, written to
 * bench/results/latest.json and latest.md; a full run also replaces the table in docs/benchmarks.md
 * (between its bench markers), so the docs quote the last full run. `--quick` for a short run.
 */
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { benchArgs } from "./lib/args.ts";
import { freshness, fullResync, stack, syncThroughput } from "./pipeline.ts";
import { type SearchResult, table } from "./report.ts";
import { throughput } from "./throughput.ts";

const args = benchArgs({ quick: false });
const quick = args.quick;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
for (const tool of ["wrk", "nginx", "taskset"]) {
  try {
    execFileSync("which", [tool], { stdio: "ignore" });
  } catch {
    console.error(`bench: ${tool} is missing; installing it (apt-get)…`);
    execFileSync("bash", ["-c", "apt-get update -qq && apt-get install -y -qq wrk nginx-light util-linux"], {
      stdio: "inherit",
    });
  }
}
const started = Date.now();
const log = (msg: string) => console.error(`[bench ${Math.round((Date.now() - started) / 1000)}s] ${msg}`);
const shops = quick ? 500 : 2000;

log("read throughput");
const mem = await stack("memory", shops, redisUrl);
const reads = await throughput({
  origin: mem.origin,
  shops,
  rounds: quick ? 1 : 3,
  seconds: quick ? 2 : 5,
  redisUrl,
  background: [mem.originPid, mem.queryPid],
});
log("freshness (memory)");
const fresh = [
  await freshness(mem, shops, quick ? 100 : 500, 100),
  await freshness(mem, shops, quick ? 300 : 3000, 1000),
];
log("sync throughput");
const sync = await syncThroughput(mem, shops, 10);
log("full resync");
const resyncs = [{ size: shops, ...(await fullResync(mem)) }];
await mem.stop();
for (const size of quick ? [] : [10_000, ...(process.env.BENCH_100K ? [100_000] : [])]) {
  log(`full resync of ${size} shops (seeding first)`);
  const big = await stack("memory", size, redisUrl);
  resyncs.push({ size, ...(await fullResync(big)) });
  await big.stop();
}
log("freshness (Redis)");
const redis = await stack("redis", shops, redisUrl);
fresh.push(
  ...[
    await freshness(redis, shops, quick ? 100 : 500, 100),
    await freshness(redis, shops, quick ? 300 : 3000, 1000),
  ].map((r) => ({ ...r, store: "redis" })),
);
await redis.stop();

// Search at the edge: its own process (a Bun edge on core 0, wrk on core 1), 100,000 shops with
// BENCH_100K (about five minutes), else the run's size.
const searchShops = quick ? shops : process.env.BENCH_100K ? 100_000 : 2000;
log(`search (${searchShops} shops)`);
execFileSync(
  process.execPath,
  [
    "--expose-gc",
    "--max-old-space-size=12000",
    "--import",
    "tsx",
    "bench/search.ts",
    ...["--shops", String(searchShops), "--rounds", quick ? "1" : "3", "--seconds", quick ? "2" : "5"],
  ],
  { stdio: ["ignore", "ignore", "inherit"] },
);
const search = JSON.parse(await readFile(`bench/results/search-${searchShops}.json`, "utf8")) as SearchResult;

// The Redis runs write under ec-bench-* prefixes: leave the server as we found it.
const { createClient } = await import("redis");
const cleanup = createClient({ url: redisUrl });
await cleanup.connect();
for await (const keys of cleanup.scanIterator({ MATCH: "ec-bench-*", COUNT: 1000 }))
  if (keys.length) await cleanup.del(keys);
await cleanup.close();

const result = {
  at: new Date().toISOString(),
  quick,
  seconds: Math.round((Date.now() - started) / 1000),
  reads,
  freshness: fresh.map((f) => ({ store: "memory", ...f })),
  sync,
  resyncs,
  search,
};
await writeFile("bench/results/latest.json", `${JSON.stringify(result, null, 2)}\n`);
const md = table(result);
await writeFile("bench/results/latest.md", md);
if (!quick) {
  const doc = await readFile("docs/benchmarks.md", "utf8");
  const [start, end] = ["<!-- bench:start -->\n", "\n<!-- bench:end -->"];
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) console.error("bench: docs/benchmarks.md has no bench markers; not updated");
  else await writeFile("docs/benchmarks.md", doc.slice(0, from + start.length) + md.trim() + doc.slice(to));
}
console.log(md);
