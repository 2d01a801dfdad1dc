/**
 * What one live change costs the query side's CPU at catalogue size, with nothing else on the
 * machine's cores: no origin, no network, no PostgreSQL. Each size runs in a fresh process: the
 * memory store is filled through the sync-worker's own Rebuilder (the first build), then changes go
 * through it in batches of 100, as the live lane takes them — a third menu prices, a third names, a
 * third rank changes, spread over the catalogue like bench/pipeline-lag.ts's. The states come from
 * this process (JSON-encoded, parsed and checked against the contract, as the HTTP client does).
 * Answers CPU µs per change, the garbage collector's share, and the heap.
 *
 *   node --import tsx bench/change-cost.ts --shops 2000,100000
 *
 * BENCH_CHANGE_FLAGS: Node flags for the measured processes (`--max-semi-space-size=64`);
 * BENCH_CPU_PROFILE=PREFIX: a CPU profile of each size's measured rounds (bench/profile-top.ts reads it).
 */
import { execFileSync } from "node:child_process";
import { PerformanceObserver } from "node:perf_hooks";
import { createMemoryStore } from "../store/memory/memory-store.ts";
import { benchArgs, numbers } from "./lib/args.ts";
import { profileWindow } from "./lib/cpu-profile.ts";
import { demoCatalogue } from "./lib/demo-states.ts";
import { changeAt } from "./lib/lag-run.ts";
import { median } from "./lib/wrk.ts";

const args = benchArgs({
  shops: "2000,100000",
  regions: "500",
  changes: "5000",
  rounds: "3",
  one: undefined,
});

type Result = { shops: number; usPerChange: number[]; gcShare: number[]; heapMiB: number; buildS: number };

if (args.one) console.log(JSON.stringify(await measure(Number(args.one))));
else {
  const flags = process.env.BENCH_CHANGE_FLAGS?.split(" ").filter(Boolean) ?? [];
  const results: Result[] = [];
  for (const shops of numbers(args.shops, "shops")) {
    console.error(`… ${shops} shops`);
    const out = execFileSync(
      process.execPath,
      [...flags, "--import", "tsx", import.meta.filename, "--one", String(shops), ...passArgs()],
      { encoding: "utf8", maxBuffer: 1 << 24 },
    );
    results.push(JSON.parse(out.trim().split("\n").at(-1) as string) as Result);
  }
  console.log(
    `\nquery side CPU per live change, memory store, batches of 100, ${args.changes} changes × ${args.rounds} rounds${flags.length ? ` (${flags.join(" ")})` : ""}`,
  );
  console.log(
    "| shops / regions | first build s | CPU µs / change (median of rounds) | rounds | GC share of CPU | heap MiB |",
  );
  console.log("|---:|---:|---:|---|---:|---:|");
  const base = median(results[0]?.usPerChange ?? [1]);
  for (const r of results)
    console.log(
      `| ${r.shops.toLocaleString("en")} / ${args.regions} | ${r.buildS} | ${median(r.usPerChange)} (${(median(r.usPerChange) / base).toFixed(2)}×) | ${r.usPerChange.join(", ")} | ${Math.round(median(r.gcShare) * 100)} % | ${r.heapMiB} |`,
    );
}

function passArgs() {
  return ["--regions", args.regions, "--changes", args.changes, "--rounds", args.rounds];
}

async function measure(shops: number): Promise<Result> {
  const store = createMemoryStore({ maxBytes: 2 ** 40 });
  const { ids, rebuilder, apply } = demoCatalogue({ shops, regions: Number(args.regions), store });
  const built = performance.now();
  for (let i = 0; i < ids.length; i += 200) await rebuilder.rebuildShops(ids.slice(i, i + 200));
  const buildS = +((performance.now() - built) / 1000).toFixed(1);

  let gcMs = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  }).observe({ entryTypes: ["gc"] });
  const n = Number(args.changes);
  let offset = 0;
  const round = async () => {
    const changed = Array.from({ length: n }, (_, i) => apply(changeAt(i, offset, shops)));
    offset += n;
    const cpu = process.cpuUsage();
    const gcBefore = gcMs;
    for (let i = 0; i < changed.length; i += 100) await rebuilder.rebuildShops(changed.slice(i, i + 100));
    const used = process.cpuUsage(cpu);
    const us = (used.user + used.system) / n;
    return { us: Math.round(us), gc: (gcMs - gcBefore) / ((used.user + used.system) / 1000) };
  };
  await round(); // warm-up: JIT, the first writes into each list
  const stopProfile = await profileWindow(`change-cost-${shops}`);
  const rounds = [];
  for (let r = 0; r < Number(args.rounds); r++) rounds.push(await round());
  await stopProfile();
  return {
    shops,
    usPerChange: rounds.map((r) => r.us),
    gcShare: rounds.map((r) => +r.gc.toFixed(3)),
    heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    buildS,
  };
}
