/**
 * Hot shop detail on Bun or Deno: the edge (memory store, warm L1) against the runtime's bare server
 * returning the same bytes, and against one that also writes the edge's own headers — servers pinned
 * to core 0 and wrk to core 1, interleaved rounds, medians. Targets: the edge ≥ 0.9× bare
 * `Bun.serve`, ≥ 0.85× bare `Deno.serve`. Not part of `npm test`; needs wrk (apt-get install wrk).
 *
 *   npm run bench:edge            # or: node --import tsx bench/edge-hot.ts --runtime deno --rounds 3
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../tests/event-receiver.ts";
import { startService } from "../tests/process.ts";
import { benchArgs } from "./lib/args.ts";
import { bare, ownHeaders, pinned } from "./lib/servers.ts";
import { median, wrk } from "./lib/wrk.ts";

const args = benchArgs({
  runtime: "bun",
  rounds: "3",
  seconds: "5",
  connections: "64",
  path: "/v1/shops/s_demo_000001",
});
if (args.runtime !== "bun" && args.runtime !== "deno") throw new Error("--runtime bun or deno");
const runtime = args.runtime;
const name = runtime === "bun" ? "Bun" : "Deno";
const target = runtime === "bun" ? 0.9 : 0.85;
const dir = await mkdtemp(join(tmpdir(), "bench-edge-"));
const path = args.path;

// wrk as every bench here runs it (core 1, one thread, --latency); latencies in ms.
const load = (url: string) => {
  const r = wrk(url, { seconds: Number(args.seconds), connections: Number(args.connections) });
  return { rps: r.rps, p50: `${r.p50Ms}ms`, p99: `${r.p99Ms}ms` };
};

const origin = await startService(
  "origin/entry/node.ts",
  { DATABASE_URL: "", ORIGIN_DATA_DIR: join(dir, "origin"), DEMO_SHOPS: "50", LOG_LEVEL: "warn" },
  await freePort(),
);
const edge = await pinned(runtime, `edge/entry/${runtime}.ts`, { ORIGIN_URL: origin.url });
const edgeUrl = edge.url + path;
const first = await fetch(edgeUrl, { headers: { "accept-encoding": "identity" } }); // as wrk asks
const body = new Uint8Array(await first.arrayBuffer());
// The edge's own headers (not those the runtime adds to every answer) for the second bare server.
const edgeHeaders = ownHeaders(first);
const bareServer = await bare(runtime, body);
const bareUrl = bareServer.url + path;
const headed = await bare(runtime, body, edgeHeaders);
const headedUrl = headed.url + path;

const runs = {
  edge: [] as number[],
  bare: [] as number[],
  headed: [] as number[],
  edgeLat: [] as string[],
  bareLat: [] as string[],
  headedLat: [] as string[],
};
load(edgeUrl); // warm-up, discarded
for (let round = 0; round < Number(args.rounds); round++) {
  const e = load(edgeUrl);
  const b = load(bareUrl);
  const h = load(headedUrl);
  runs.edge.push(e.rps);
  runs.bare.push(b.rps);
  runs.headed.push(h.rps);
  runs.edgeLat.push(`${e.p50}/${e.p99}`);
  runs.bareLat.push(`${b.p50}/${b.p99}`);
  runs.headedLat.push(`${h.p50}/${h.p99}`);
  console.log(
    `round ${round + 1}: edge ${e.rps.toFixed(0)} req/s (p50/p99 ${e.p50}/${e.p99}), bare ${b.rps.toFixed(0)} req/s (${b.p50}/${b.p99}), bare with the edge's headers ${h.rps.toFixed(0)} req/s (${h.p50}/${h.p99})`,
  );
}
const ratio = median(runs.edge) / median(runs.bare);
const result = {
  at: new Date().toISOString(),
  bytes: body.byteLength,
  connections: Number(args.connections),
  ...runs,
  edgeMedian: median(runs.edge),
  bareMedian: median(runs.bare),
  headedMedian: median(runs.headed),
  ratio: +ratio.toFixed(3),
  /** The edge against a bare server writing the same headers: the edge's own per-request work. */
  ratioToHeaded: +(median(runs.edge) / median(runs.headed)).toFixed(3),
  headers: edgeHeaders,
  runtime,
  target,
  pass: ratio >= target,
};
console.log(`\n| ${path} (${body.byteLength} B) | req/s (median of ${args.rounds}) |\n|---|---:|`);
console.log(
  `| edge on ${name} (memory store, L1) | ${result.edgeMedian.toFixed(0)} |\n| bare ${name}.serve, same bytes | ${result.bareMedian.toFixed(0)} |\n| bare ${name}.serve, same bytes and the edge's ${Object.keys(edgeHeaders).length} headers | ${result.headedMedian.toFixed(0)} |`,
);
console.log(`| edge / bare with the same headers | ${result.ratioToHeaded.toFixed(3)} |`);
console.log(`| ratio (target ≥ ${target}) | ${ratio.toFixed(3)} ${result.pass ? "pass" : "FAIL"} |`);
const file = `edge-${runtime}${args.path === "/v1/shops/s_demo_000001" ? "" : "-path"}.json`;
await writeFile(`bench/results/${file}`, `${JSON.stringify({ path, ...result }, null, 2)}\n`);
for (const server of [edge, bareServer, headed]) await server.stop();
await origin.stop();
