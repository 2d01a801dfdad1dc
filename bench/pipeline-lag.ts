/**
 * Sync lag with every part in its own process (origin, query side / sync-worker, load generator),
 * at catalogue sizes side by side. Not part of `npm test`; see bench/lib/procs-run.ts.
 *
 *   node --import tsx bench/pipeline-lag.ts --shops 2000,100000 --regions 500 --rate 500 \
 *        --changes 5000 --store memory,redis
 *
 * BENCH_ORIGIN_RUNTIME / BENCH_QUERY_RUNTIME=bun|deno run the origin or the query side on that
 * runtime instead of Node; BENCH_TRACE=1 prints what each process is doing every half second (it
 * costs the run: the lag it shows is higher than without). BENCH_PG_STATEMENTS=1 lists PostgreSQL's
 * time per statement over the window (pg_stat_statements loaded); BENCH_QUERY_FLAGS adds Node flags
 * to the query side (`--trace-gc`) and BENCH_QUERY_LOG=FILE keeps its output (BENCH_QUERY_LOG_LEVEL=debug:
 * a line per batch); BENCH_QUIET_S shortens the quiet minute before the stream; BENCH_LOAD_CLIENT=node
 * sends the load through node:http instead of the bare client.
 */
import { writeFile } from "node:fs/promises";
import { benchArgs, numbers } from "./lib/args.ts";
import { procsRun } from "./lib/procs-run.ts";
import { benchUrls } from "./lib/rig.ts";

const args = benchArgs({ shops: "2000", regions: "500", rate: "500", changes: "5000", store: "memory" });
const results = [];
for (const store of args.store.split(",") as ("memory" | "redis")[])
  for (const shops of numbers(args.shops, "shops"))
    for (const rate of numbers(args.rate, "rate")) {
      console.error(`… ${store}, ${shops} shops / ${args.regions} regions, ${rate} changes/s`);
      results.push(
        await procsRun(
          { shops, regions: Number(args.regions), store, rate, changes: Number(args.changes) },
          benchUrls(),
        ),
      );
    }

console.log(
  `\nsync lag, separate processes: origin (${process.env.BENCH_ORIGIN_RUNTIME ?? "node"}, PostgreSQL) · query side (${process.env.BENCH_QUERY_RUNTIME ?? "node"}) · load generator (this process)`,
);
console.log(
  "| store | shops / regions | seed s | first build s | rate target/achieved | command answer p50 · p99 · max ms | live lag p50 ms | p99 ms | max ms | events in window | repair events in window | failed writes | relay: failed attempts (last error) | sync-worker peak RSS MiB |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|");
for (const r of results)
  console.log(
    `| ${r.store} | ${r.shops.toLocaleString("en")} / ${r.regions} | ${r.seedS} | ${r.buildS} | ${r.rate}/${r.achievedRate} | ${r.answerMs.p50} · ${r.answerMs.p99} · ${r.answerMs.max} | ${r.lag.p50} | ${r.lag.p99} | ${r.lag.max} | ${r.lag.count} | ${
      Object.entries(r.repaired)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "none"
    } | ${r.failedWrites} | ${r.relay ? `${r.relay.failedAttempts} (${r.relay.lastError ?? "none"})` : "?"} | ${r.syncPeakRssMiB} |`,
  );
console.log("\nCPU over each measured window, % of one core (2 cores = 200 %):");
for (const r of results)
  console.log(
    `- ${r.store}, ${r.shops.toLocaleString("en")} shops: ${Object.entries(r.cpuPercent)
      .map(([k, v]) => `${k} ${v} %`)
      .join(" · ")}`,
  );
console.log(
  "\nLive lag per window, from the query side's sync_live_lag_seconds histogram (p50 and p99 are the upper bound of the bucket each falls in):",
);
console.log("| store | shops | window | events | p50 ≤ ms | p99 ≤ ms | share ≤ 250 ms |");
console.log("|---|---:|---|---:|---:|---:|---:|");
for (const r of results)
  for (const [name, w] of Object.entries(r.windows))
    if (w)
      console.log(
        `| ${r.store} | ${r.shops.toLocaleString("en")} | ${name === "quiet" ? "first (after a quiet minute)" : "second (sustained)"} | ${w.count} | ${w.p50} | ${w.p99} | ${((w.shareUnderLimit ?? 0) * 100).toFixed(1)} % |`,
      );
console.log(
  "\nQuery side over the sustained window (its /metrics): count · mean (ms for seconds, else as named)",
);
for (const r of results)
  console.log(
    `- ${r.store}, ${r.shops.toLocaleString("en")} shops: ${r.phases.map((p) => `${p.series} ${p.count} · ${p.mean}`).join("; ")}`,
  );
for (const r of results)
  if (r.pgTop)
    console.log(
      `\nPostgreSQL over the window, ${r.shops.toLocaleString("en")} shops:\n${r.pgTop.join("\n")}`,
    );
await writeFile(
  `bench/results/pipeline-lag-${args.shops.replaceAll(",", "-")}-${args.store.replaceAll(",", "-")}.json`,
  `${JSON.stringify(results, null, 2)}\n`,
);
