/**
 * What the store costs per change, counted where the bill counts it, for the billed backends:
 *
 * - `kv`: the KV store (createKvStore) over workerd's KV, through a binding with production's limits
 *   on a simulated clock (store/kv/limits.ts, counting mode): KV reads, writes, deletes and lists,
 *   bytes written, and writes production would refuse (a key written twice within a second: 429).
 * - `redis`: the Redis store as Upstash would run it, over the local Redis, through a requester that
 *   counts commands (what Upstash pay-as-you-go bills) and bytes sent.
 *
 * Both are filled and changed by the sync-worker's own Rebuilder; the clock moves at the modeled
 * rates — the first build at the bulk lane's pace (batches of 200 at 3,000 shops/s), live changes at
 * --rate in batches of 100. Prints operations and bytes per change by kind, reads per list page and
 * per main, and the monthly bill at 50 and 500 changes/s at the list prices in bench/lib/prices.ts.
 *
 *   node --max-old-space-size=8000 --import tsx bench/kv-cost.ts --shops 2000 --regions 100 --backend kv
 */
import { CATEGORIES, docKey } from "../contract/index.ts";
import { simulatedClock } from "../store/kv/paced.ts";
import { benchArgs } from "./lib/args.ts";
import { countedKv, countedRedis } from "./lib/counted-stores.ts";
import { demoCatalogue } from "./lib/demo-states.ts";
import { changeAt } from "./lib/lag-run.ts";
import { monthly, PRICES } from "./lib/prices.ts";
import { quantile } from "./lib/rig.ts";

const args = benchArgs({ shops: "2000", regions: "100", changes: "300", rate: "200", backend: "kv" });
const [shops, regions, changes, rate] = [args.shops, args.regions, args.changes, args.rate].map(Number) as [
  number,
  number,
  number,
  number,
];
// Simulated time: the bench moves it at the modeled rates, and a write the store paces (a key written
// within the second) waits on it — so waits lengthen the run in simulated seconds, never in real ones.
const clock = { t: Date.parse("2026-12-01T00:00:00Z") };
const simulated = simulatedClock(clock);
const backend =
  args.backend === "redis"
    ? await countedRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", `storecost${process.pid}`)
    : await countedKv(simulated, `storecost${process.pid}`);
// Bytes each rebuilt shop wrote (its detail and its list entries), as the sync-worker reports them.
let shopBytes: number[] = [];
const { ids, rebuilder, apply } = demoCatalogue({
  shops,
  regions,
  store: backend.store,
  now: () => clock.t,
  onBytes: (b) => shopBytes.push(b),
});
const log = (msg: string) => console.error(`[kv-cost] ${msg}`);
const since = (before: Record<string, number>) =>
  Object.fromEntries(Object.entries(backend.ops()).map(([k, v]) => [k, v - (before[k] ?? 0)]));

log(`${args.backend}: first build of ${shops} shops / ${regions} regions`);
let failed = 0;
const started = performance.now();
const beforeBuild = backend.ops();
for (let i = 0; i < ids.length; i += 200) {
  clock.t += Math.round((200 / 3000) * 1000);
  const out = await rebuilder.rebuildShops(ids.slice(i, i + 200));
  if (out.failed.size && !failed) log(`failed: ${[...out.failed.values()][0]}`);
  failed += out.failed.size;
  if (i % 10_000 === 0) log(`built ${i} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
const build = {
  seconds: +((performance.now() - started) / 1000).toFixed(1),
  failed,
  ops: since(beforeBuild),
};

const rows: {
  kind: string;
  perChange: Record<string, number>;
  bytes: { p50: number; p99: number; max: number };
  failed: number;
}[] = [];
let offset = 0;
for (const [k, kind] of ["menu price", "name", "rank"].entries()) {
  clock.t += 10_000; // a quiet gap between the kinds
  const before = backend.ops();
  shopBytes = [];
  let failedShops = 0;
  for (let from = 0; from < changes; from += 100) {
    const batch = Array.from({ length: Math.min(100, changes - from) }, (_, j) =>
      apply(changeAt(3 * (from + j) + k, offset, shops)),
    );
    clock.t += Math.round((batch.length / rate) * 1000);
    failedShops += (await rebuilder.rebuildShops(batch)).failed.size;
  }
  offset += 3 * changes;
  const d = since(before);
  rows.push({
    kind,
    perChange: Object.fromEntries(Object.entries(d).map(([name, v]) => [name, v / changes])),
    bytes: { p50: quantile(shopBytes, 0.5), p99: quantile(shopBytes, 0.99), max: Math.max(0, ...shopBytes) },
    failed: failedShops,
  });
}

// What a reader costs at the store (an edge's L1 miss): a list page is a read of the list; main reads
// the lists' heads. Read twice: the list shards keep what they read until a write changes it.
const lists = CATEGORIES.map((c) => docKey.list("gangnam", c));
let before = backend.ops();
for (const key of lists) await backend.store.get(key);
const perPage = since(before);
before = backend.ops();
for (const key of lists) await backend.store.get(key);
const perPageAgain = since(before);
before = backend.ops();
await backend.store.listHeads(lists, 10);
const perMain = since(before);
await backend.close();

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en") : +n.toFixed(2));
const names = Object.keys(backend.ops());
console.log(
  `\n${args.backend} store, ${shops.toLocaleString("en")} shops / ${regions} regions, ${changes} changes of each kind at ${rate}/s in batches of 100 (simulated clock)`,
);
console.log(
  `first build: ${build.seconds} s, ${build.failed} shops failed; ${names.map((n) => `${n} ${fmt(build.ops[n] ?? 0)}`).join(", ")}`,
);
console.log(
  `| change | ${names.map((n) => `${n} / change`).join(" | ")} | bytes written / change p50 · p99 · max | shops failed |`,
);
console.log(`|---|${names.map(() => "---:").join("|")}|---:|---:|`);
for (const r of rows)
  console.log(
    `| ${r.kind} | ${names.map((n) => fmt(r.perChange[n] ?? 0)).join(" | ")} | ${fmt(r.bytes.p50)} · ${fmt(r.bytes.p99)} · ${fmt(r.bytes.max)} | ${r.failed} |`,
  );
const nonZero = (ops: Record<string, number>, per = 1) =>
  names
    .filter((n) => (ops[n] ?? 0) > 0)
    .map((n) => `${n} ${fmt((ops[n] ?? 0) / per)}`)
    .join(", ") || "nothing";
console.log(`per list page, first read: ${nonZero(perPage, lists.length)}`);
console.log(`per list page, read again: ${nonZero(perPageAgain, lists.length)}`);
console.log(`per main (heads of ${lists.length} lists): ${nonZero(perMain)}`);
const price = PRICES[backend.priced];
const mix = Object.fromEntries(
  names.map((n) => [n, rows.reduce((a, r) => a + (r.perChange[n] ?? 0), 0) / rows.length]),
);
console.log(`\nthe bill for changes (a third of each kind), ${price.source}`);
console.log("| changes/s | $ a month |");
console.log("|---:|---:|");
for (const perSec of [50, 500]) console.log(`| ${perSec} | ${fmt(monthly(price, mix, perSec))} |`);
process.exit(0);
