/**
 * A flood of misses past the origin fallback's limit: an edge (Bun, memory store, no sync-worker, so
 * every shop is a miss and the catalogue cannot say no) against the reference origin, `--clients`
 * (64) reading distinct real shops as fast as they can for `--seconds`. Reports answers by status
 * with their latency (p50/p99) and the origin calls made, counted at the origin. A closed loop on the
 * same two cores: with many clients the latency is mostly their own queueing. Not part of `npm test`.
 *
 *   node --import tsx bench/miss-flood.ts --seconds 10
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEV_METRICS } from "../tests/process.ts";
import { benchArgs } from "./lib/args.ts";
import { pinned } from "./lib/servers.ts";

const args = benchArgs({ seconds: "10", shops: "2000", rate: "20", burst: "40", clients: "64" });
const dataDir = await mkdtemp(join(tmpdir(), "miss-flood-"));
const origin = await pinned(
  "node",
  "origin/entry/node.ts",
  { DATABASE_URL: "", ORIGIN_DATA_DIR: dataDir, DEMO_SHOPS: args.shops, SYNC_URL: "http://127.0.0.1:9" },
  undefined,
  "1",
);
const edge = await pinned("bun", "edge/entry/bun.ts", {
  ORIGIN_URL: origin.url,
  STORE: "memory",
  EDGE_FALLBACK_RATE: args.rate,
  EDGE_FALLBACK_BURST: args.burst,
  EDGE_CLIENT_MISS_RATE: "100000",
  EDGE_CLIENT_MISS_BURST: "100000",
});
const calls = async () => {
  const text = await (await fetch(`${origin.url}/metrics`, { headers: DEV_METRICS })).text();
  let n = 0;
  for (const m of text.matchAll(/^origin_http_requests_total\{route="\/state\/shops\/:id",[^}]*\} (\d+)$/gm))
    n += Number(m[1]);
  return n;
};

const before = await calls();
const byStatus = new Map<number, number[]>();
let next = 0;
const end = performance.now() + Number(args.seconds) * 1000;
await Promise.all(
  Array.from({ length: Number(args.clients) }, async () => {
    while (performance.now() < end) {
      const id = `s_demo_${String((next++ % Number(args.shops)) + 1).padStart(6, "0")}`;
      const started = performance.now();
      const res = await fetch(`${edge.url}/v1/shops/${id}`);
      await res.arrayBuffer();
      const list = byStatus.get(res.status) ?? [];
      list.push(performance.now() - started);
      byStatus.set(res.status, list);
    }
  }),
);
const made = (await calls()) - before;
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))] ?? 0;
console.log(
  `${args.seconds} s, ${args.clients} clients, distinct shops; EDGE_FALLBACK_RATE ${args.rate}/s, burst ${args.burst}; origin calls made: ${made} (bound ${Number(args.burst) + Number(args.rate) * Number(args.seconds)})`,
);
console.log("| status | answers | p50 ms | p99 ms |\n|---|---:|---:|---:|");
for (const [status, ms] of [...byStatus].sort((a, b) => a[0] - b[0]))
  console.log(`| ${status} | ${ms.length} | ${q(ms, 0.5).toFixed(1)} | ${q(ms, 0.99).toFixed(1)} |`);
await edge.stop();
await origin.stop();
await rm(dataDir, { recursive: true, force: true });
