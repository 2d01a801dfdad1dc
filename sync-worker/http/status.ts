import { CATALOGUE_CHECKPOINT, type DocCounts } from "../../store/port.ts";
import { CHECKPOINT } from "../catch-up.ts";
import { waiting } from "../queue/port.ts";
import type { SyncDeps } from "./deps.ts";

/*
 * Counting documents and dead letters is a scan on Redis and a list on KV: every open console asks
 * each second, so the counts are shared for a while, longer where a scan costs more (KV lists are
 * billed subrequests). Values, not promises, are kept: workerd refuses a promise made in one request
 * from being awaited in another.
 */
const COUNTS_TTL_MS = { memory: 0, redis: 5_000, kv: 30_000 } as const;
const counts = new WeakMap<object, { at: number; dlq: number; documents: DocCounts }>();

async function storeCounts(deps: SyncDeps): Promise<{ dlq: number; documents: DocCounts }> {
  const held = counts.get(deps.store);
  if (held && Date.now() - held.at < COUNTS_TTL_MS[deps.store.kind]) return held;
  const [dlq, documents] = await Promise.all([deps.store.countDeadLetters(), deps.store.countDocuments()]);
  counts.set(deps.store, { at: Date.now(), dlq, documents });
  return { dlq, documents };
}

/**
 * What `GET /admin/status` answers and the console shows: one report, so the CLI and the page never
 * disagree. Queue, DLQ and documents are shared by every sync-worker on the store; lag, counters,
 * breaker and jobs are this process's.
 */
export async function statusReport(deps: SyncDeps) {
  const [depth, { dlq, documents }, checkpoint, catalogueAt] = await Promise.all([
    deps.queue.depth(),
    storeCounts(deps),
    deps.store.getCheckpoint(CHECKPOINT),
    deps.store.getCheckpoint(CATALOGUE_CHECKPOINT),
  ]);
  const origin = deps.monitor.last;
  const okAt = deps.catchUp.lastOkAt;
  return {
    // depth: ready + in flight, what waits to be processed; scheduled timers and backoffs apart.
    queue: { kind: deps.queue.kind, depth: waiting(depth), ...(depth ?? {}) },
    // Live events only (relay, POST /events); catch-up, timers, replays and resyncs are `repair`.
    lag: { windowMs: 60_000, source: "live" as const, ...deps.lag.summary() },
    repair: deps.repair.summary(),
    breaker: { state: deps.breaker.state(), history: deps.breaker.history().slice(-20) },
    catchUp: {
      checkpoint,
      last: deps.catchUp.last,
      lastOkAt: okAt,
      ageSeconds: okAt ? Math.round((Date.now() - Date.parse(okAt)) / 1000) : null,
      behind: origin?.outbox && checkpoint !== null ? Math.max(0, origin.outbox.seq - checkpoint) : null,
    },
    origin: { outbox: origin?.outbox ?? null, error: origin?.error ?? null, at: origin?.at ?? null },
    // Complete: edges answer 404 for shops and regions outside it without asking the origin.
    catalogue: {
      complete: catalogueAt !== null,
      completedAt: catalogueAt === null ? null : new Date(catalogueAt).toISOString(),
      missing: catalogueAt === null ? (deps.catalogue.last?.missing ?? null) : 0,
    },
    dlq: { size: dlq },
    documents,
    store: deps.store.kind,
    counters: deps.counters,
    jobs: (await deps.jobs.list()).slice(0, 10),
  };
}

export type StatusReport = Awaited<ReturnType<typeof statusReport>>;
