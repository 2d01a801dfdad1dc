import { CHECKPOINT } from "../catch-up.ts";
import type { SyncDeps } from "./deps.ts";

/**
 * What `GET /admin/status` answers and the console shows: one report, so the CLI and the page never
 * disagree. Queue, DLQ and documents are shared by every sync-worker on the store; lag, counters,
 * breaker and jobs are this process's.
 */
export async function statusReport(deps: SyncDeps) {
  const [depth, dlq, documents, checkpoint] = await Promise.all([
    deps.queue.depth(),
    deps.store.countDeadLetters(),
    deps.store.countDocuments(),
    deps.store.getCheckpoint(CHECKPOINT),
  ]);
  const origin = deps.monitor.last;
  const okAt = deps.catchUp.lastOkAt;
  return {
    queue: { kind: deps.queue.kind, depth },
    lag: { windowMs: 60_000, ...deps.lag.summary() },
    breaker: { state: deps.breaker.state(), history: deps.breaker.history().slice(-20) },
    catchUp: {
      checkpoint,
      last: deps.catchUp.last,
      lastOkAt: okAt,
      ageSeconds: okAt ? Math.round((Date.now() - Date.parse(okAt)) / 1000) : null,
      behind: origin?.outbox && checkpoint !== null ? Math.max(0, origin.outbox.seq - checkpoint) : null,
    },
    origin: { outbox: origin?.outbox ?? null, error: origin?.error ?? null, at: origin?.at ?? null },
    dlq: { size: dlq },
    documents,
    store: deps.store.kind,
    counters: deps.counters,
    jobs: deps.jobs.list().slice(0, 10),
  };
}

export type StatusReport = Awaited<ReturnType<typeof statusReport>>;
