/**
 * The Workers pipeline at catalogue size, inside workerd (Miniflare): the sync-worker (KV, the list
 * shards, a Cloudflare Queue) and the edge, bundled as wrangler ships them, sharing
 * one KV namespace and the shards — against the reference origin (its own Node process, PostgreSQL),
 * which sends its events to the sync-worker's ingest.
 *
 * 1. First build: `POST /admin/catch-up` queues the catalogue; timed until every detail is in KV.
 * 2. --rate changes/s for --seconds (menu prices, names, rank changes in turn, as the other lag
 *    benches): each change's visibility is command answered → the Workers edge answers the new
 *    version (each pending change is asked every 100 ms: the figures are ±100 ms).
 * 3. What the bindings counted (`store_operations_total`, `sync_queue_operations_total` on each
 *    Worker's /metrics), violations of KV's one-write-per-key-per-second among them.
 *
 * Miniflare's KV shows a write everywhere at once; production KV takes up to 60 s to show it at other
 * locations (docs/deployment.md). Not part of `npm test`.
 *
 *   node --import tsx bench/workers-lag.ts --shops 20000 --regions 100 --rate 200 --seconds 60
 */
import { Miniflare } from "miniflare";
import pLimit from "p-limit";
import { bundleWorker, LIST_SHARDS } from "../store/kv/workerd-kv.ts";
import { freePort } from "../tests/event-receiver.ts";
import { startService } from "../tests/process.ts";
import { openThrowawayPostgres } from "../tests/throwaway-postgres.ts";
import { WORKERS_TOKENS } from "../tests/workers-sync-rig.ts";
import { benchArgs } from "./lib/args.ts";
import { changeAt } from "./lib/lag-run.ts";
import { quantile } from "./lib/rig.ts";

const args = benchArgs({ shops: "20000", regions: "100", rate: "200", seconds: "60" });
const [shops, regions, rate, seconds] = [args.shops, args.regions, args.rate, args.seconds].map(Number) as [
  number,
  number,
  number,
  number,
];
const log = (msg: string) => console.error(`[workers-lag] ${msg}`);

const db = await openThrowawayPostgres(
  process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  {
    asyncCommit: true,
  },
);
const originPort = await freePort();
const common = { modules: true, compatibilityDate: "2026-04-26", kvNamespaces: { DOCS: "docs" } };
const vars = {
  ORIGIN_URL: `http://127.0.0.1:${originPort}`,
  STATE_TOKEN: WORKERS_TOKENS.state,
  METRICS_TOKEN: WORKERS_TOKENS.metrics,
  STORE: "kv",
  STORE_PREFIX: "ec",
  LOG_LEVEL: "warn",
};
const mf = new Miniflare({
  host: "127.0.0.1",
  cf: false,
  workers: [
    {
      ...common,
      name: "sync",
      script: await bundleWorker("sync-worker/entry/workers.ts"),
      durableObjects: LIST_SHARDS,
      // As sync-worker/wrangler.toml: one queue (a second lane is for Upstash: one writer of details
      // on KV), batches of 100 within a second.
      queueProducers: { CHANGES: { queueName: "changes" } },
      queueConsumers: { changes: { maxBatchSize: 100, maxBatchTimeout: 1 } },
      bindings: { ...vars, EVENTS_TOKEN: WORKERS_TOKENS.events, ADMIN_TOKEN: WORKERS_TOKENS.admin },
      unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    },
    {
      ...common,
      name: "edge",
      script: await bundleWorker("edge/entry/workers.ts"),
      // As wrangler.toml: the edge binds the sync-worker's shards.
      durableObjects: { LISTS: { className: "ListShard", scriptName: "sync", useSQLite: true } },
      bindings: vars,
      unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    },
  ],
});
const [syncUrl, edgeUrl] = [await mf.unsafeGetDirectURL("sync"), await mf.unsafeGetDirectURL("edge")];
const seedStarted = performance.now();
const origin = await startService(
  "origin/entry/node.ts",
  {
    DATABASE_URL: db.url,
    SYNC_URL: syncUrl.origin,
    EVENTS_TOKEN: WORKERS_TOKENS.events,
    STATE_TOKEN: WORKERS_TOKENS.state,
    DEMO_SHOPS: String(shops),
    DEMO_REGIONS: String(regions),
    DEMO_SEED: "11",
    LOG_LEVEL: "warn",
  },
  originPort,
  600_000,
);
log(`origin seeded ${shops} shops in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);
const admin = { authorization: `Bearer ${WORKERS_TOKENS.admin}` };
const metricsAuth = { authorization: `Bearer ${WORKERS_TOKENS.metrics}` };
const kv = (await mf.getKVNamespace("DOCS", "sync")) as unknown as KVNamespace;

// 1. First build.
const buildStarted = performance.now();
const queued = await fetch(new URL("/admin/catch-up", syncUrl), { method: "POST", headers: admin });
log(`catch-up: ${queued.status} ${await queued.text()}`);
let details = 0;
let stalled = 0;
while (details < shops) {
  await new Promise((r) => setTimeout(r, 5000));
  const was = details;
  details = 0;
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await kv.list({
      prefix: "ec:d:",
      ...(cursor ? { cursor } : {}),
    });
    details += page.keys.length;
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  log(`built ${details} of ${shops} in ${((performance.now() - buildStarted) / 1000).toFixed(0)} s`);
  // What the minute's cron does in production (Miniflare runs no cron): catch up what a failed send
  // to the queue left out.
  stalled = details === was ? stalled + 1 : 0;
  if (stalled === 3) {
    const again = await fetch(new URL("/admin/catch-up", syncUrl), { method: "POST", headers: admin });
    log(`no progress for 15 s: catch-up again: ${again.status} ${await again.text()}`);
    stalled = 0;
  }
}
const buildS = (performance.now() - buildStarted) / 1000;
const before = await counters();

// 2. Changes at --rate for --seconds, each watched at the edge until it shows the new version.
const lags: Record<string, number[]> = { menu: [], name: [], rank: [] };
const polls = pLimit(32);
let unseen = 0;
const watches: Promise<void>[] = [];
const started = performance.now();
const total = rate * seconds;
for (let i = 0; i < total; i++) {
  const due = started + (i * 1000) / rate;
  while (performance.now() < due)
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  const { id, kind, path, body } = changeAt(i, 0, shops);
  watches.push(
    (async () => {
      const res = await fetch(`http://127.0.0.1:${originPort}${path}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const { version } = (await res.json()) as { version: number };
      const answered = performance.now();
      while (performance.now() - answered < 30_000) {
        await new Promise((r) => setTimeout(r, 100));
        // At most 32 polls in flight: workerd resets connections beyond what it can take.
        const doc = await polls(async () => {
          try {
            const seen = await fetch(new URL(`/v1/shops/${id}`, edgeUrl));
            return (await seen.json()) as { version?: number };
          } catch {
            return null; // a reset poll is asked again on the next tick
          }
        });
        if ((doc?.version ?? 0) >= version) {
          (lags[kind] as number[]).push(performance.now() - answered);
          return;
        }
      }
      unseen++;
    })(),
  );
}
const sentS = (performance.now() - started) / 1000;
await Promise.all(watches);
const after = await counters();
await origin.stop();
await mf.dispose();
await db.close();

const all = Object.values(lags).flat();
const ms = (xs: number[], q: number) => Math.round(quantile(xs, q));
console.log(
  `\nWorkers pipeline in workerd (Miniflare): ${shops.toLocaleString("en")} shops / ${regions} regions, origin on Node + PostgreSQL`,
);
console.log(`first build (catch-up through the queue): ${buildS.toFixed(0)} s`);
console.log(
  `changes: ${total} at ${rate}/s, sent in ${sentS.toFixed(1)} s; not seen at the edge within 30 s: ${unseen}`,
);
console.log("| change | n | visible at the edge p50 ms | p99 ms | max ms |");
console.log("|---|---:|---:|---:|---:|");
for (const [kind, xs] of [...Object.entries(lags), ["all", all] as const])
  console.log(
    `| ${kind} | ${xs.length} | ${ms(xs, 0.5)} | ${ms(xs, 0.99)} | ${Math.round(Math.max(0, ...xs))} |`,
  );
console.log("what the bindings counted during the changes (both Workers):");
for (const [name, v] of Object.entries(after)) console.log(`  ${name}: ${v - (before[name] ?? 0)}`);
process.exit(0);

/** Both Workers' billed-operation counters, summed by series and op. */
async function counters(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const url of [syncUrl, edgeUrl]) {
    const text = await (await fetch(new URL("/metrics", url), { headers: metricsAuth })).text();
    for (const m of text.matchAll(
      /^(\w*(?:store|queue)_operations_total)\{[^}]*op="(\w+)"[^}]*\} (\d+(?:\.\d+)?)/gm,
    ))
      out[`${m[1]}{${m[2]}}`] = (out[`${m[1]}{${m[2]}}`] ?? 0) + Number(m[3]);
  }
  return out;
}
