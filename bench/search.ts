/**
 * Search at catalogue size: the national demo shape built into Redis by the sync-worker (this
 * process), a Bun edge (pinned to core 0) on the same Redis store, wrk on core 1. Reports a cold
 * region's first query, hot query throughput and p99 beside the hot list page of the same region,
 * change-to-searchable lag at the edge, and the index's memory per region (measured in this
 * process with the same code). Not part of `npm test`; needs wrk.
 *
 *   node --expose-gc --max-old-space-size=12000 --import tsx bench/search.ts --shops 100000 --regions 500
 */
import { execFileSync, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { SearchIndexes } from "../edge/search/regions.ts";
import { createRedisStore } from "../store/redis/redis-store.ts";
import { connectRedisRequester, RawRedis } from "../store/redis/tcp.ts";
import { freePort, waitFor } from "../tests/event-receiver.ts";
import { DEV_METRICS } from "../tests/process.ts";
import { TOKENS } from "../tests/stack.ts";
import { benchArgs } from "./lib/args.ts";
import { benchUrls, quantile, startRig } from "./lib/rig.ts";

const args = benchArgs({ shops: "2000", regions: "500", seconds: "5", rounds: "3" });
const urls = benchUrls();
const shops = Number(args.shops);
const rig = await startRig({
  shops,
  regions: Number(args.regions),
  db: "postgres-async",
  store: "redis",
  urls,
});
const buildS = await rig.build();
await rig.sync.consumer.drain();
await rig.settle();

const port = await freePort();
const edge = spawn("taskset", ["-c", "0", "node_modules/.bin/bun", "edge/entry/bun.ts"], {
  env: {
    ...process.env,
    PORT: String(port),
    ORIGIN_URL: rig.originUrl,
    STORE: "redis",
    REDIS_URL: urls.redis,
    STORE_PREFIX: rig.prefix,
    STATE_TOKEN: TOKENS.state,
    LOCAL_DEV: "1",
    LOG_LEVEL: "error",
  },
  stdio: "inherit",
});
const base = `http://127.0.0.1:${port}`;
await waitFor(
  () =>
    fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    ),
  20_000,
  100,
);
const q = (region: string, text: string) =>
  `${base}/v1/search?region=${region}&q=${encodeURIComponent(text)}&limit=20`;

// A cold region's first query builds its index from the store (lists, then details).
const cold: { region: string; ms: number; shops: number }[] = [];
for (const region of ["gangnam", "mapo", "dong-011"]) {
  const started = performance.now();
  const res = await fetch(q(region, "치킨"));
  const body = (await res.json()) as { total: number };
  cold.push({ region, ms: +(performance.now() - started).toFixed(1), shops: body.total });
}
const health = (await (await fetch(`${base}/healthz`, { headers: DEV_METRICS })).json()) as {
  searchEntries: number;
  searchRegions: number;
};

function wrk(url: string) {
  const out = execFileSync(
    "taskset",
    ["-c", "1", "wrk", "-t1", "-c50", `-d${args.seconds}s`, "--latency", url],
    {
      encoding: "utf8",
    },
  );
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p99: /\s99%\s+(\S+)/.exec(out)?.[1] ?? "?",
  };
}
const hot = { search: [] as { rps: number; p99: string }[], list: [] as { rps: number; p99: string }[] };
wrk(q("gangnam", "치킨")); // warm-up
for (let i = 0; i < Number(args.rounds); i++) hot.search.push(wrk(q("gangnam", "치킨")));
// A keep-alive socket the edge closed as we reused it is not a search failure: ask once more.
const get = (url: string) => fetch(url).catch(() => fetch(url));

// Change → searchable at the edge: rename shops of the region, poll the edge until the name is found.
const lags: number[] = [];
const ids = ((await (await get(q("gangnam", "gangnam점"))).json()) as { shops: { id: string }[] }).shops;
for (const [i, { id }] of ids.slice(0, 20).entries()) {
  const name = `검색변경${i}호점`;
  await fetch(`${rig.originUrl}/shops/${id}`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const started = performance.now();
  await waitFor(
    async () =>
      ((await (await get(q("gangnam", name))).json()) as { shops: { id: string }[] }).shops[0]?.id === id,
    10_000,
    5,
  );
  lags.push(performance.now() - started);
}
// The region's hot list page beside it, last: at this size a list is thousands of entries, and what
// that does to the edge is its own finding, not search's.
for (let i = 0; i < Number(args.rounds); i++)
  hot.list.push(wrk(`${base}/v1/shops?region=gangnam&category=chicken`));
edge.kill("SIGTERM");

// Index memory per region, measured here with the same code over the same store.
const gc = (globalThis as { gc?: () => void }).gc;
const requester = await connectRedisRequester(urls.redis);
const indexes = new SearchIndexes(createRedisStore(new RawRedis(requester), { prefix: rig.prefix }), {
  ttlMs: 0,
  maxBytes: 2 ** 32,
});
gc?.();
const before = process.memoryUsage().heapUsed;
const { index } = await indexes.region("gangnam");
gc?.();
const indexBytes = process.memoryUsage().heapUsed - before;
await requester.close();
await rig.stop();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const result = {
  at: new Date().toISOString(),
  shops,
  regions: Number(args.regions),
  buildS: +buildS.toFixed(1),
  cold,
  health,
  hotSearch: { rps: median(hot.search.map((h) => h.rps)), p99: hot.search.map((h) => h.p99) },
  hotList: { rps: median(hot.list.map((h) => h.rps)), p99: hot.list.map((h) => h.p99) },
  changeToSearchable: {
    p50Ms: +quantile(lags, 0.5).toFixed(1),
    p99Ms: +quantile(lags, 0.99).toFixed(1),
    n: lags.length,
  },
  indexMemory: gc
    ? {
        region: "gangnam",
        shops: index.entries.size,
        bytes: indexBytes,
        perShop: Math.round(indexBytes / index.entries.size),
        estimated: index.bytes, // what the edge weighs the index by in its LRU (EDGE_SEARCH_MB)
      }
    : "run with --expose-gc",
};
console.log(JSON.stringify(result, null, 2));
await writeFile(`bench/results/search-${shops}.json`, `${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
