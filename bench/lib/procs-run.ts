import { execSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { seedDemoIfEmpty } from "../../origin/demo/seed.ts";
import { freePort, waitFor } from "../../tests/event-receiver.ts";
import { DEV_METRICS, type Runtime, type Service, startService } from "../../tests/process.ts";
import { TOKENS } from "../../tests/stack.ts";
import { openThrowawayPostgres } from "../../tests/throwaway-postgres.ts";
import { cpuShare } from "./cpu-share.ts";
import { changeAt } from "./lag-run.ts";
import { bucketQuantiles, means, type Snapshot, scrape } from "./metrics-window.ts";
import { pgStatements } from "./pg-statements.ts";
import { answers, startTrace } from "./pipeline-trace.ts";
import { RawHttpClient } from "./raw-http.ts";
import { peakRssMiB } from "./servers.ts";

export type ProcsRun = {
  shops: number;
  regions: number;
  store: "memory" | "redis";
  rate: number;
  changes: number;
};
type Status = {
  documents: { detail: number };
  counters: { eventsProcessed: number; retried?: number };
  queue: { depth: number | null; ready?: number; inFlight?: number };
  lag: { count: number; p50: number | null; p99: number | null; max: number | null };
  repair: { totals: Record<string, number> };
  catchUp: { checkpoint: number | null; behind: number | null; last: unknown };
};

/**
 * The pipeline as it is deployed, each part its own process: the origin on PostgreSQL, the query
 * side (memory: sync-worker and edge in one process, `bin/query`; redis: the sync-worker over the
 * Redis store and Redis Streams), and this process only as the load generator. Lag is the
 * sync-worker's own live-lag figure (origin commit → documents written): exact over both windows
 * (`/admin/status`, read after a quiet minute so its 60-second window holds the measured changes and
 * nothing else), and per window from its `sync_live_lag_seconds` histogram.
 */
export async function procsRun(r: ProcsRun, urls: { postgres: string; redis: string }) {
  const db = await openThrowawayPostgres(urls.postgres, { max: 4, asyncCommit: true });
  const stops: (() => Promise<unknown>)[] = [() => db.close()];
  try {
    const seedStarted = performance.now();
    await seedDemoIfEmpty(db, { shops: r.shops, regions: r.regions, seed: 11 });
    const seedS = (performance.now() - seedStarted) / 1000;
    const [originPort, syncPort, edgePort] = [await freePort(), await freePort(), await freePort()];
    const tokens = { EVENTS_TOKEN: TOKENS.events, ADMIN_TOKEN: TOKENS.admin, LOG_LEVEL: "warn" };
    const origin = await startService(
      `origin/entry/${ORIGIN_RUNTIME}.ts`,
      {
        ...tokens,
        DATABASE_URL: db.url,
        SYNC_URL: `http://127.0.0.1:${syncPort}`,
        DEMO_SHOPS: "0",
        // The origin's command pool (DATABASE_POOL_MAX), to see whether commands wait for connections.
        ...(process.env.BENCH_ORIGIN_POOL ? { DATABASE_POOL_MAX: process.env.BENCH_ORIGIN_POOL } : {}),
      },
      originPort,
      60_000,
      ORIGIN_RUNTIME,
      profiled("origin"),
    );
    stops.unshift(() => origin.stop());
    const prefix = `ec-bench-${process.pid}-${Date.now()}`;
    // The query side runs as a user would start it: Node's default heap limit (or BENCH_QUERY_HEAP_MB's,
    // as an operator would set NODE_OPTIONS for a national catalogue), the default store budget.
    const heap = process.env.BENCH_QUERY_HEAP_MB;
    const common = {
      ...tokens,
      // BENCH_QUERY_LOG_LEVEL=debug: a line per batch (its oldest event, state read, build) in BENCH_QUERY_LOG.
      LOG_LEVEL: process.env.BENCH_QUERY_LOG_LEVEL ?? tokens.LOG_LEVEL,
      ORIGIN_URL: origin.url,
      ...(heap ? { NODE_OPTIONS: `--max-old-space-size=${heap}` } : {}),
    };
    const query: Service =
      r.store === "memory"
        ? await startService(
            `bin/query/${QUERY_RUNTIME}.ts`,
            { ...common, SYNC_PORT: String(syncPort), EDGE_PORT: String(edgePort) },
            syncPort,
            60_000,
            QUERY_RUNTIME,
            profiled("query"),
          )
        : await startService(
            `sync-worker/entry/${QUERY_RUNTIME}.ts`,
            {
              ...common,
              STORE: "redis",
              QUEUE: "redis",
              REDIS_URL: urls.redis,
              STORE_PREFIX: prefix,
            },
            syncPort,
            60_000,
            QUERY_RUNTIME,
            profiled("sync-worker"),
          );
    stops.unshift(async () => {
      await query.stop();
      // BENCH_QUERY_LOG: the query side's own output (its logs, and e.g. --trace-gc lines) kept.
      if (process.env.BENCH_QUERY_LOG) await writeFile(process.env.BENCH_QUERY_LOG, query.output());
      // Every key of the run (documents, lists, streams) goes with it.
      if (r.store === "redis")
        execSync(
          `redis-cli -u ${urls.redis} --scan --pattern '${prefix}*' | xargs -r redis-cli -u ${urls.redis} del`,
        );
    });
    const status = async () =>
      (await (
        await fetch(`${query.url}/admin/status`, { headers: { authorization: `Bearer ${TOKENS.admin}` } })
      ).json()) as Status;
    const idle = async () => {
      let last = -1;
      await waitFor(
        async () => {
          const s = await status();
          const still = s.counters.eventsProcessed === last && (s.queue.depth ?? 0) === 0;
          last = s.counters.eventsProcessed;
          return still;
        },
        600_000,
        1000,
      );
    };
    const buildStarted = performance.now();
    await waitFor(async () => (await status()).documents.detail >= r.shops, 600_000, 1000);
    const buildS = (performance.now() - buildStarted) / 1000;
    await idle();
    await db.query("VACUUM ANALYZE");
    await db.query("CHECKPOINT");

    await changes(origin.url, r.rate, 300, 0, r.shops); // warm-up, not reported
    await idle();
    // The quiet minute: the status's 60-s lag window forgets the warm-up. BENCH_QUIET_S shortens it
    // (the exact figures then include the warm-up's 300 changes; the per-window ones do not).
    await new Promise((res) => setTimeout(res, Number(process.env.BENCH_QUIET_S ?? 61) * 1000));
    const cpu = await cpuShare({
      origin: origin.proc.pid as number,
      "query side": query.proc.pid as number,
      "load generator": process.pid,
    });
    const stopTrace = await startTrace({
      originUrl: origin.url,
      pids: { origin: origin.proc.pid as number, query: query.proc.pid as number, load: process.pid },
      status,
    });
    const statements = await pgStatements(db.url);
    // Two windows of `changes` each, in one unbroken stream: the first starts after the quiet minute
    // (every process idle, caches and the JIT cold), the second is the rate sustained. Each window's
    // figures are the query side's own histograms' increase over it, as Prometheus would read them.
    const quietStart = await scrape(query.url);
    const marks: { sustained?: Promise<Snapshot> } = {};
    const repairBefore = (await status()).repair.totals;
    const sent = await changes(origin.url, r.rate, 2 * r.changes, 300, r.shops, (i) => {
      if (i === r.changes) marks.sustained = scrape(query.url);
    });
    stopTrace();
    // Every measured change's live event is in the lag window (timer rebuilds are not live). Asked
    // twice a second: a status read costs the query side (the lag summary, the queue's timers), and
    // this asked 20 times a second while the backlog whose tail it waited for was still draining.
    await waitFor(async () => (await status()).lag.count >= 2 * r.changes, 120_000, 500);
    const cpuPercent = await cpu();
    const pgTop = await statements();
    // Where the window's batches spent their time: the origin's state reads, building, batch sizes.
    const end = await scrape(query.url);
    const middle = (await marks.sustained) as Snapshot;
    const lagOf = (from: Snapshot, to: Snapshot) => {
      const q = bucketQuantiles(from, to, "sync_live_lag_seconds", 0.25);
      return q && { ...q, p50: q.p50 * 1000, p99: q.p99 * 1000 };
    };
    const windows = { quiet: lagOf(quietStart, middle), sustained: lagOf(middle, end) };
    const phases = means(middle, end, [
      "sync_origin_request_seconds",
      "sync_rebuild_seconds",
      "sync_rebuild_batch_shops",
    ]).map((m) => ({ ...m, mean: +(m.series.includes("seconds") ? m.mean * 1000 : m.mean).toFixed(1) }));
    const { lag, repair, catchUp } = await status();
    // Repair work done in the window beside the live events (catch-up re-sends, ad timers): extra
    // state reads and rebuilds the live lane shares the machine with.
    const repaired = Object.fromEntries(
      Object.entries(repair.totals)
        .map(([k, v]) => [k, v - (repairBefore[k] ?? 0)] as const)
        .filter(([, v]) => v > 0),
    );
    // The origin's relay: a sync-worker that refused batches (429, 5xx) shows here as failed attempts.
    const originHealth = (await (await fetch(`${origin.url}/healthz`, { headers: DEV_METRICS })).json()) as {
      relay?: { delivered: number; failedAttempts: number; lastError: string | null };
    };
    return {
      ...r,
      seedS: +seedS.toFixed(1),
      buildS: +buildS.toFixed(1),
      achievedRate: sent.achievedRate,
      failedWrites: sent.failed,
      answerMs: sent.answerMs,
      lag,
      repaired,
      ...(pgTop.length ? { pgTop } : {}),
      phases,
      windows,
      catchUp,
      syncPeakRssMiB: await peakRssMiB(query.proc.pid as number),
      relay: originHealth.relay ?? null,
      cpuPercent,
    };
  } finally {
    for (const stop of stops) await stop();
  }
}

// BENCH_ORIGIN_RUNTIME / BENCH_QUERY_RUNTIME=bun|deno: the origin or the query side on another
// runtime (every service has an entry for each of the three).
const runtimeOf = (name: string) => (process.env[name] ?? "node") as Runtime;
const ORIGIN_RUNTIME = runtimeOf("BENCH_ORIGIN_RUNTIME");
const QUERY_RUNTIME = runtimeOf("BENCH_QUERY_RUNTIME");

/**
 * BENCH_CPU_PROFILE: each Node service writes a V8 CPU profile of its whole run when it stops.
 * BENCH_QUERY_FLAGS: more Node flags for the query side (`--trace-gc`; see BENCH_QUERY_LOG).
 */
const profiled = (name: string) => [
  ...(process.env.BENCH_CPU_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}-${name}`]
    : []),
  ...(name !== "origin" && process.env.BENCH_QUERY_FLAGS ? process.env.BENCH_QUERY_FLAGS.split(" ") : []),
];

/** `count` changes at `rate`/s through the origin's command API; answers the rate achieved. */
async function changes(
  origin: string,
  rate: number,
  count: number,
  offset: number,
  shops: number,
  onSend?: (i: number) => void,
) {
  const started = performance.now();
  let failed = 0;
  const answered: number[] = [];
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    while (performance.now() < due)
      await new Promise((res) => setTimeout(res, Math.max(0, due - performance.now())));
    onSend?.(i);
    const { path, body } = changeAt(i, offset, shops);
    const sent = performance.now();
    writes.push(
      patch(new URL(path, origin), JSON.stringify(body))
        .then((status) => {
          answered.push(performance.now() - sent);
          answers.push({ at: sent - started, ms: performance.now() - sent });
          if (status >= 300) failed++;
        })
        .catch(() => failed++),
    );
  }
  await Promise.all(writes);
  answered.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(answered[Math.min(answered.length - 1, Math.floor(q * answered.length))] ?? 0);
  return {
    achievedRate: Math.round(count / ((performance.now() - started) / 1000)),
    failed,
    // How long the origin took to answer each command: a stall there is lag before the event exists.
    answerMs: { p50: at(0.5), p99: at(0.99), max: Math.round(answered.at(-1) ?? 0) },
  };
}

// The load generator shares the two cores with what it measures. fetch (undici's web layer) cost it
// ~1.5 ms of CPU a request here, node:http ~0.35 ms (16-20 % of a core at 500/s); the default is a
// bare keep-alive client (raw-http.ts). BENCH_LOAD_CLIENT=node goes back to node:http, to compare.
const agent = new Agent({ keepAlive: true, maxSockets: 512 });
const raw = new Map<string, RawHttpClient>();
function patch(url: URL, body: string): Promise<number> {
  if (process.env.BENCH_LOAD_CLIENT !== "node") {
    const client = raw.get(url.origin) ?? new RawHttpClient(url);
    raw.set(url.origin, client);
    return client.request("PATCH", url.pathname + url.search, body);
  }
  return nodePatch(url, body);
}
function nodePatch(url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: "PATCH",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
