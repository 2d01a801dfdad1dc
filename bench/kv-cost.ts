/**
 * Workers KV at catalogue size, at the store: the KV store (createKvStore) over workerd's KV, through
 * a binding with production's limits on a simulated clock (store/kv/limits.ts), filled and changed by
 * the sync-worker's own Rebuilder. The clock moves at the modeled rates — the first build at the bulk
 * lane's pace (batches of 200 at 3,000 shops/s), live changes at --rate in batches of 100 — so a
 * second write to a key within a simulated second is what production would refuse with 429 (counted
 * and let through, so the bytes are those the design writes).
 * Answers, per kind of change: KV writes and bytes per change, and limit violations; then KV reads
 * per list page and per main.
 *
 *   node --max-old-space-size=8000 --import tsx bench/kv-cost.ts --shops 20000 --regions 100
 */
import { CATEGORIES, docKey } from "../contract/index.ts";
import { createKvStore } from "../store/kv/kv-store.ts";
import { type KvOps, limitedKv } from "../store/kv/limits.ts";
import { benchArgs } from "./lib/args.ts";
import { demoCatalogue } from "./lib/demo-states.ts";
import { changeAt } from "./lib/lag-run.ts";

const args = benchArgs({ shops: "20000", regions: "100", changes: "1000", rate: "200" });
const [shops, regions, changes, rate] = [args.shops, args.regions, args.changes, args.rate].map(Number) as [
  number,
  number,
  number,
  number,
];
const { Miniflare } = await import("miniflare");
const mf = new Miniflare({
  modules: true,
  script: "export default { fetch() { return new Response('ok') } }",
  kvNamespaces: ["DOCS"],
  cf: false,
  host: "127.0.0.1",
});
const clock = { t: Date.parse("2026-12-01T00:00:00Z") };
const { kv, ops } = limitedKv((await mf.getKVNamespace("DOCS")) as unknown as KVNamespace, {
  now: () => clock.t,
  mode: "count",
});
const store = createKvStore(kv, { prefix: `kvcost${process.pid}` });
const { ids, rebuilder, apply } = demoCatalogue({ shops, regions, store, now: () => clock.t });

const snapshot = (): KvOps => ({ ...ops });
const since = (a: KvOps): KvOps =>
  Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, v - a[k as keyof KvOps]])) as KvOps;
const log = (msg: string) => console.error(`[kv-cost] ${msg}`);

log(`first build of ${shops} shops / ${regions} regions`);
let failed = 0;
const started = performance.now();
const beforeBuild = snapshot();
for (let i = 0; i < ids.length; i += 200) {
  clock.t += Math.round((200 / 3000) * 1000);
  const out = await rebuilder.rebuildShops(ids.slice(i, i + 200));
  if (out.failed.size && !failed) log(`failed: ${[...out.failed.values()][0]}`);
  failed += out.failed.size;
}
const build = { seconds: +((performance.now() - started) / 1000).toFixed(1), failed, ...since(beforeBuild) };
log(`built in ${build.seconds} s`);

const rows = [];
let offset = 0;
for (const [k, kind] of ["menu price", "name", "rank"].entries()) {
  clock.t += 10_000; // a quiet gap between the kinds
  const before = snapshot();
  const perBatch: number[] = [];
  let failedShops = 0;
  for (let from = 0; from < changes; from += 100) {
    const batch = Array.from({ length: Math.min(100, changes - from) }, (_, j) =>
      apply(changeAt(3 * (from + j) + k, offset, shops)),
    );
    clock.t += Math.round((batch.length / rate) * 1000);
    const bytes = ops.bytesWritten;
    failedShops += (await rebuilder.rebuildShops(batch)).failed.size;
    perBatch.push((ops.bytesWritten - bytes) / batch.length);
  }
  offset += 3 * changes;
  const d = since(before);
  rows.push({
    kind,
    writesPerChange: +(d.writes / changes).toFixed(1),
    kbPerChange: Math.round(d.bytesWritten / changes / 1024),
    worstBatchKbPerChange: Math.round(Math.max(...perBatch) / 1024),
    violations: d.violations,
    failedShops,
  });
}

// What a reader costs: a list page is one store read of the list; main reads the region's lists.
const lists = CATEGORIES.map((c) => docKey.list("gangnam", c));
let before = snapshot();
for (const key of lists) await store.get(key);
const readsPerPage = since(before).reads / lists.length;
before = snapshot();
await store.listHeads(lists, 10);
const readsPerMain = since(before).reads;
await mf.dispose();

console.log(
  `\nWorkers KV store, ${shops.toLocaleString("en")} shops / ${regions} regions, ${changes} changes of each kind at ${rate}/s in batches of 100 (simulated clock)`,
);
console.log(
  `first build: ${build.seconds} s, ${build.writes} writes, ${Math.round(build.bytesWritten / 2 ** 20)} MiB, ${build.violations} limit violations, ${build.failed} shops failed`,
);
console.log(
  "| change | KV writes / change | KB written / change | worst batch KB / change | limit violations | shops failed |",
);
console.log("|---|---:|---:|---:|---:|---:|");
for (const r of rows)
  console.log(
    `| ${r.kind} | ${r.writesPerChange} | ${r.kbPerChange} | ${r.worstBatchKbPerChange} | ${r.violations} | ${r.failedShops} |`,
  );
console.log(
  `KV reads per list page: ${readsPerPage}; per main (the region's ten lists' heads): ${readsPerMain}`,
);
process.exit(0);
