import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../tests/event-receiver.ts";
import { DEV_METRICS } from "../tests/process.ts";
import { type Proc, peakRssMiB, pinned } from "./lib/servers.ts";

const ADMIN = { authorization: "Bearer dev-admin-token" };
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? Number.NaN;

/** Origin + query side as processes (memory), or origin + sync-worker + edge (Redis). */
export async function stack(mode: "memory" | "redis", shops: number, redisUrl: string) {
  const syncPort = await freePort();
  // The pipeline's processes share both cores: freshness is about the pipeline, not one core.
  const origin = await pinned(
    "node",
    "origin/entry/node.ts",
    {
      DATABASE_URL: "",
      ORIGIN_DATA_DIR: join(await mkdtemp(join(tmpdir(), "bench-origin-")), "db"),
      DEMO_SHOPS: String(shops),
      SYNC_URL: `http://127.0.0.1:${syncPort}`,
    },
    undefined,
    "0,1",
  );
  const procs: Proc[] = [origin];
  let edge: string;
  let sync: string;
  let queryPid: number;
  if (mode === "memory") {
    const edgePort = await freePort();
    const query = await pinnedQuery(origin.url, edgePort, syncPort);
    procs.push(query);
    edge = `http://127.0.0.1:${edgePort}`;
    sync = `http://127.0.0.1:${syncPort}`;
    queryPid = query.pid;
  } else {
    const common = {
      ORIGIN_URL: origin.url,
      STORE: "redis",
      QUEUE: "redis",
      REDIS_URL: redisUrl,
      STORE_PREFIX: `ec-bench-${process.pid}-${Date.now()}`,
    };
    const s = await pinned("node", "sync-worker/entry/node.ts", common, syncPort, "0,1");
    const e = await pinned("bun", "edge/entry/bun.ts", common, undefined, "0,1");
    procs.push(s, e);
    edge = e.url;
    sync = s.url;
    queryPid = s.pid;
  }
  await waitFor(async () => (await status(sync)).documents.detail >= shops, 600_000, 500);
  await settle(sync);
  return {
    origin: origin.url,
    originPid: origin.pid,
    edge,
    sync,
    queryPid,
    stop: async () => {
      for (const p of procs.reverse()) await p.stop();
    },
  };
}

async function pinnedQuery(origin: string, edgePort: number, syncPort: number): Promise<Proc> {
  return pinned(
    "node",
    "bin/query/node.ts",
    { ORIGIN_URL: origin, EDGE_PORT: String(edgePort), SYNC_PORT: String(syncPort) },
    syncPort,
  );
}

type Status = { documents: { detail: number }; counters: { eventsProcessed: number } };
const status = async (sync: string): Promise<Status> =>
  (await (await fetch(`${sync}/admin/status`, { headers: ADMIN })).json()) as Status;

/** Waits until the sync-worker stops processing (the first build and its duplicates are done). */
export async function settle(sync: string) {
  let last = -1;
  await waitFor(
    async () => {
      const n = (await status(sync)).counters.eventsProcessed;
      const still = n === last;
      last = n;
      return still;
    },
    600_000,
    1000,
  );
}

/** Commit-to-visible-at-the-edge lag for `changes` shop changes at `rate`/s. */
export async function freshness(
  s: { origin: string; edge: string },
  shops: number,
  changes: number,
  rate: number,
) {
  const lags: number[] = [];
  let failedWrites = 0;
  const pending = new Map<string, { version: number; at: number }>();
  let sending = true;
  const poll = (async () => {
    while (sending || pending.size) {
      await Promise.all(
        [...pending].slice(0, 32).map(async ([id, want]) => {
          const doc = (await (await fetch(`${s.edge}/v1/shops/${id}`)).json()) as { version: number };
          if (doc.version >= want.version && pending.get(id) === want) {
            lags.push(performance.now() - want.at);
            pending.delete(id);
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  const started = performance.now();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < changes; i++) {
    const due = started + (i * 1000) / rate;
    while (performance.now() < due)
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    const id = `s_demo_${String((i % shops) + 1).padStart(6, "0")}`;
    writes.push(
      fetch(`${s.origin}/shops/${id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ reviewCount: 50_000 + i }),
      })
        .then((r) => r.json() as Promise<{ version: number }>)
        .then((r) => void pending.set(id, { version: r.version, at: performance.now() }))
        .catch(() => void failedWrites++), // an overloaded origin may reset a connection: counted, not fatal
    );
  }
  await Promise.all(writes);
  const achieved = Math.round((changes / (performance.now() - started)) * 1000);
  sending = false;
  await poll;
  return {
    targetRate: rate,
    achievedRate: achieved,
    changes,
    p50Ms: +q(lags, 0.5).toFixed(1),
    p99Ms: +q(lags, 0.99).toFixed(1),
    maxMs: +Math.max(...lags).toFixed(1),
  };
}

/** Events/s through ingest and processing, and state fetches per event (coalescing). */
export async function syncThroughput(s: { origin: string; sync: string }, shops: number, perShop: number) {
  const before = (await status(s.sync)).counters.eventsProcessed;
  const fetchesBefore = await shopFetches(s.origin);
  // Bursts: each shop's events arrive together, as a busy owner editing a menu would send them.
  const events = Array.from({ length: shops * perShop }, (_, i) => ({
    type: "shop",
    id: `s_demo_${String(Math.floor(i / perShop) + 1).padStart(6, "0")}`,
    occurredAt: new Date().toISOString(),
  }));
  const started = performance.now();
  for (let i = 0; i < events.length; i += 1000) {
    await fetch(`${s.sync}/events`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer dev-events-token" },
      body: JSON.stringify({ events: events.slice(i, i + 1000) }),
    });
  }
  const ingested = performance.now();
  await waitFor(
    async () => (await status(s.sync)).counters.eventsProcessed - before >= events.length,
    600_000,
    50,
  );
  const done = performance.now();
  const fetches = (await shopFetches(s.origin)) - fetchesBefore;
  return {
    events: events.length,
    ingestPerSec: Math.round(events.length / ((ingested - started) / 1000)),
    processedPerSec: Math.round(events.length / ((done - started) / 1000)),
    stateFetchesPerEvent: +(fetches / events.length).toFixed(3),
  };
}

async function shopFetches(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`, { headers: DEV_METRICS })).text();
  return [
    ...text.matchAll(/^origin_http_requests_total\{route="\/state\/shops\/:id",status="200"\} (\d+)$/gm),
  ].reduce((a, m) => a + Number(m[1]), 0);
}

/** Full resync of every shop through the admin API: wall time and the query process's peak memory. */
export async function fullResync(s: { sync: string; queryPid: number }) {
  const started = performance.now();
  const job = (await (
    await fetch(`${s.sync}/admin/resync`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: '{"all":true}',
    })
  ).json()) as { id: string };
  let state: { state: string; total: number; failed: number } = { state: "running", total: 0, failed: 0 };
  while (state.state === "running") {
    await new Promise((r) => setTimeout(r, 200));
    state = (await (
      await fetch(`${s.sync}/admin/jobs/${job.id}`, { headers: ADMIN })
    ).json()) as typeof state;
  }
  return {
    shops: state.total,
    failed: state.failed,
    seconds: +((performance.now() - started) / 1000).toFixed(1),
    peakRssMiB: await peakRssMiB(s.queryPid),
  };
}
