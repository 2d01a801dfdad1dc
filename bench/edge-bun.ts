/**
 * Hot shop detail on Bun: the edge (memory store, warm L1) against a bare `Bun.serve` returning the
 * same bytes, servers pinned to core 0 and wrk to core 1, interleaved rounds, medians. Target: the
 * edge ≥ 0.85× bare Bun. Not part of `npm test`; needs wrk (apt-get install wrk).
 *
 *   npm run bench:edge            # or: node --import tsx bench/edge-bun.ts --rounds 3 --seconds 5
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort, waitFor } from "../tests/event-receiver.ts";
import { startService } from "../tests/process.ts";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "50" },
    // Any read path, e.g. a list: /v1/shops?region=gangnam&category=chicken (the full app, not the fast path)
    path: { type: "string", default: "/v1/shops/s_demo_000001" },
  },
});
const dir = await mkdtemp(join(tmpdir(), "bench-edge-"));
const path = args.path;

/** Waits up to 10 s for a server to answer 2xx. */
const answers = (url: string) =>
  waitFor(
    () =>
      fetch(url).then(
        (r) => r.ok,
        () => false,
      ),
    10_000,
    100,
  );

function wrk(url: string): { rps: number; p50: string; p99: string } {
  const out = execFileSync(
    "taskset",
    ["-c", "1", "wrk", "-t1", `-c${args.connections}`, `-d${args.seconds}s`, "--latency", url],
    { encoding: "utf8" },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p50 = /\s50%\s+(\S+)/.exec(out)?.[1] ?? "?";
  const p99 = /\s99%\s+(\S+)/.exec(out)?.[1] ?? "?";
  return { rps, p50, p99 };
}

const origin = await startService(
  "origin/entry/node.ts",
  { DATABASE_URL: "", ORIGIN_DATA_DIR: join(dir, "origin"), DEMO_SHOPS: "50", LOG_LEVEL: "warn" },
  await freePort(),
);
const edgePort = await freePort();
const edge = spawn("taskset", ["-c", "0", "node_modules/.bin/bun", "edge/entry/bun.ts"], {
  env: { ...process.env, PORT: String(edgePort), ORIGIN_URL: origin.url, LOG_LEVEL: "warn" },
  stdio: "inherit",
});
const edgeUrl = `http://127.0.0.1:${edgePort}${path}`;
await answers(edgeUrl);
const body = Buffer.from(await (await fetch(edgeUrl)).arrayBuffer());
await writeFile(join(dir, "body.json"), body);
const barePort = await freePort();
const bare = spawn("taskset", ["-c", "0", "node_modules/.bin/bun", "bench/bare-bun.ts"], {
  env: { ...process.env, PORT: String(barePort), BODY_FILE: join(dir, "body.json") },
  stdio: "inherit",
});
const bareUrl = `http://127.0.0.1:${barePort}${path}`;
await answers(bareUrl);

const runs: { edge: number[]; bare: number[]; edgeLat: string[]; bareLat: string[] } = {
  edge: [],
  bare: [],
  edgeLat: [],
  bareLat: [],
};
wrk(edgeUrl); // warm-up, discarded
for (let round = 0; round < Number(args.rounds); round++) {
  const e = wrk(edgeUrl);
  const b = wrk(bareUrl);
  runs.edge.push(e.rps);
  runs.bare.push(b.rps);
  runs.edgeLat.push(`${e.p50}/${e.p99}`);
  runs.bareLat.push(`${b.p50}/${b.p99}`);
  console.log(
    `round ${round + 1}: edge ${e.rps.toFixed(0)} req/s (p50/p99 ${e.p50}/${e.p99}), bare ${b.rps.toFixed(0)} req/s (${b.p50}/${b.p99})`,
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ratio = median(runs.edge) / median(runs.bare);
const result = {
  at: new Date().toISOString(),
  bytes: body.length,
  connections: Number(args.connections),
  ...runs,
  edgeMedian: median(runs.edge),
  bareMedian: median(runs.bare),
  ratio: +ratio.toFixed(3),
  target: 0.85,
  pass: ratio >= 0.85,
};
console.log(`\n| ${path} (${body.length} B) | req/s (median of ${args.rounds}) |\n|---|---:|`);
console.log(
  `| edge on Bun (memory store, L1) | ${result.edgeMedian.toFixed(0)} |\n| bare Bun.serve, same bytes | ${result.bareMedian.toFixed(0)} |`,
);
console.log(`| ratio (target ≥ 0.85) | ${ratio.toFixed(3)} ${result.pass ? "pass" : "FAIL"} |`);
const file = args.path === "/v1/shops/s_demo_000001" ? "edge-bun.json" : "edge-bun-path.json";
await writeFile(`bench/results/${file}`, `${JSON.stringify({ path, ...result }, null, 2)}\n`);
edge.kill("SIGTERM");
bare.kill("SIGTERM");
await origin.stop();
