/**
 * What the memory store holds at catalogue size: every detail and list entry of the national demo
 * shape written straight to it, as the sync-worker writes them (one guard per shop and write), then
 * the heap after a full collection, the packed bodies off the heap, and what packing costs per body.
 * Not part of `npm test`; the process's heap is the figure, so nothing else runs in it.
 *
 *   node --expose-gc --import tsx bench/memory-store.ts --shops 100000
 */
import { readFileSync } from "node:fs";
import { docKey, type ShopAggregate } from "../contract/index.ts";
import { demoChunks } from "../origin/demo/generate.ts";
import { entryChanges, projectDetail } from "../projection/index.ts";
import { createMemoryStore } from "../store/memory/memory-store.ts";
import { packBody, unpackBody } from "../store/memory/packed-body.ts";
import type { ListChange } from "../store/port.ts";
import { benchArgs } from "./lib/args.ts";
import { byShop } from "./lib/rig.ts";

const args = benchArgs({ shops: "100000", regions: "500" });
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");
const mib = (n: number) => Math.round(n / 2 ** 20);

const now = Date.now();
const store = createMemoryStore({ maxBytes: 2 ** 40 }); // nothing evicted: the whole catalogue is the figure
const sample: string[] = [];
const cards = new Set<string>();
let chars = 0;
let entries = 0;
gc();
const before = process.memoryUsage();
for (const chunk of demoChunks({ shops: Number(args.shops), seed: 11, now, regions: Number(args.regions) })) {
  const [menus, ads] = [byShop(chunk.menus), byShop(chunk.ads)];
  const owners = new Map(chunk.owners.map((o) => [o.id, o]));
  const changes: ListChange[] = [];
  for (const s of chunk.shops) {
    const shop = {
      ...s,
      menus: menus.get(s.id) ?? [],
      ads: ads.get(s.id) ?? [],
      owner: owners.get(s.ownerId),
    };
    const body = JSON.stringify(projectDetail({ seq: 1, shop: shop as ShopAggregate }, now));
    chars += body.length;
    if (sample.length < 1000) sample.push(body);
    await store.put(docKey.detail(s.id), { body, version: s.version, seq: 1, builtAt: "" });
    const guard = { version: s.version, seq: 1 };
    const lists = await store.registerLists(
      s.id,
      guard,
      s.regions.map((r) => docKey.list(r, s.category)),
    );
    for (const c of entryChanges(shop as ShopAggregate, lists, now)) {
      if (c.entry) cards.add(c.entry.card);
      entries += c.entry ? 1 : 0;
      changes.push({ ...c, guard });
    }
  }
  await store.applyLists(changes, "");
}
const distinct = cards.size;
cards.clear();
gc();
const after = process.memoryUsage();
const timed = (f: () => void) => {
  const t = performance.now();
  f();
  return ((performance.now() - t) / sample.length) * 1000;
};
const packed = sample.map(packBody);
const packUs = timed(() => sample.forEach(packBody));
const unpackUs = timed(() => packed.forEach(unpackBody));
// What each status read (the console, once a second) costs the process serving reads: median of 9.
const countMs: number[] = [];
for (let i = 0; i < 9; i++) {
  const t = performance.now();
  await store.countDocuments();
  countMs.push(performance.now() - t);
}
countMs.sort((a, b) => a - b);
const bytes =
  packed.reduce((n, p) => n + (typeof p === "string" ? p.length : p.byteLength), 0) / packed.length;
console.log(
  [
    `${args.shops} shops / ${args.regions} regions: ${(await store.countDocuments()).detail} details, ${entries} list entries (${distinct} distinct cards)`,
    `detail: ${Math.round(chars / Number(args.shops))} characters on average, ${Math.round(bytes)} bytes packed; pack ${packUs.toFixed(0)} µs, unpack ${unpackUs.toFixed(0)} µs (first ${sample.length})`,
    `heap after a full collection: ${mib(after.heapUsed - before.heapUsed)} MiB held by the store; off-heap (packed bodies) ${mib(after.arrayBuffers - before.arrayBuffers)} MiB`,
    `countDocuments (a status read): ${countMs[4]?.toFixed(2)} ms median, ${countMs[8]?.toFixed(2)} ms max of 9`,
    `RSS ${mib(after.rss)} MiB now, ${readFileSync("/proc/self/status", "utf8").match(/VmHWM:\s*(\d+)/)?.[1]} kB at the peak`,
  ].join("\n"),
);
