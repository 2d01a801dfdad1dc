import type { OriginClient } from "../clients/index.ts";
import { durationMs, type Job, type ResyncBody } from "../contract/index.ts";
import type { Logger } from "../runtime/index.ts";
import { newestJobFirst, type RecordStore } from "../store/port.ts";
import { type BulkLimits, DEFAULT_BULK_CONCURRENCY } from "./consumer.ts";
import type { Rebuilder } from "./pipeline/rebuild.ts";
import type { RepairWindow } from "./stats.ts";

/**
 * Resync jobs: a full resync over the state API, or everything changed in the last N minutes (docs/operations.md).
 * A job enumerates shop ids from the origin, then rebuilds them in chunks directly — not through
 * the queue — so its progress counts shops actually rebuilt. A job runs in the process that started
 * it and is written to the store as it goes (at most once a second, KV's limit per key), so every
 * sync-worker on the store can answer for it: a CLI behind a load balancer polls whichever.
 */
export class Jobs {
  private readonly jobs = new Map<string, Job>();
  private readonly persistedAt = new Map<string, number>();
  private shared: { at: number; jobs: Job[] } = { at: 0, jobs: [] };
  constructor(
    private readonly o: {
      origin: OriginClient;
      rebuilder: Rebuilder;
      store: RecordStore;
      logger: Logger;
      /** Told of every shop a resync rebuilt: repair work, not sync lag. */
      repair?: RepairWindow;
      /** Chunk size (one batched state read per chunk) and pace; a resync is bulk work. */
      bulk?: BulkLimits;
      /** Waits before each retry round of the shops that failed (an origin outage mid-resync). */
      retryRoundsMs?: number[];
      now?: () => number;
    },
  ) {}

  async get(id: string): Promise<Job | null> {
    return this.jobs.get(id) ?? (await this.o.store.getJob(id));
  }

  /** This process's jobs as they are, merged with the store's (read at most every 2 s). */
  async list(): Promise<Job[]> {
    if (Date.now() - this.shared.at > 2000)
      this.shared = { at: Date.now(), jobs: await this.o.store.listJobs(50) };
    const merged = new Map(this.shared.jobs.map((j) => [j.id, j]));
    for (const [id, job] of this.jobs) merged.set(id, job);
    return [...merged.values()].sort(newestJobFirst).slice(0, 50);
  }

  private persist(job: Job, force = false): void {
    const now = Date.now();
    if (!force && now - (this.persistedAt.get(job.id) ?? 0) < 1000) return;
    this.persistedAt.set(job.id, now);
    this.o.store.putJob({ ...job }).catch((error) => {
      this.o.logger.warn("resync.persist_failed", { job: job.id, error: String(error) });
    });
  }

  /** Starts a resync and answers at once; the returned job updates as it runs. */
  startResync(scope: ResyncBody): Job {
    const job: Job = {
      id: crypto.randomUUID(),
      kind: "resync",
      scope: scope.all ? "all" : scope.since ? `since ${scope.since}` : `${scope.shopIds?.length} shops`,
      state: "running",
      total: null,
      done: 0,
      failed: 0,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    this.jobs.set(job.id, job);
    this.persist(job, true);
    void this.run(job, scope);
    return job;
  }

  /** The same, awaited (the CLI's and tests' way to wait for the end). */
  async resync(scope: ResyncBody): Promise<Job> {
    const job = this.startResync(scope);
    while (job.state === "running") await new Promise((r) => setTimeout(r, 20));
    return job;
  }

  private async run(job: Job, scope: ResyncBody) {
    try {
      const ids = await this.enumerate(scope);
      job.total = ids.length;
      const {
        batchSize,
        perSec,
        concurrency = DEFAULT_BULK_CONCURRENCY,
      } = this.o.bulk ?? {
        batchSize: 200,
        perSec: 0,
      };
      const started = Date.now();
      const missed: string[] = [];
      let next = 0;
      // `concurrency` chunks in flight, as the bulk lane has: one's state read overlaps another's build.
      const worker = async () => {
        while (next < ids.length) {
          const chunk = ids.slice(next, next + batchSize);
          next += batchSize;
          const outcome = await this.o.rebuilder.rebuildShops(chunk);
          missed.push(...outcome.failed.keys());
          job.failed = missed.length;
          job.done += chunk.length;
          // Paced like the bulk lane: never faster than BULK_SHOPS_PER_S, so the origin is not flooded.
          const due = started + (perSec > 0 ? (job.done / perSec) * 1000 : 0);
          if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
          const seconds = (Date.now() - started) / 1000;
          job.perSec = seconds > 0 ? Math.round(job.done / seconds) : null;
          job.etaSeconds = job.perSec ? Math.ceil((ids.length - job.done) / job.perSec) : null;
          for (let n = chunk.length - outcome.failed.size; n > 0; n--) this.o.repair?.record("resync", null);
          this.persist(job);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      await this.retryMissed(job, missed, batchSize);
      job.state = "done";
    } catch (error) {
      job.state = "failed";
      job.error = String(error);
      this.o.logger.warn("resync.failed", { job: job.id, error: job.error });
    }
    job.finishedAt = new Date().toISOString();
    this.persist(job, true);
    this.persistedAt.delete(job.id);
    if (this.jobs.size > 50) this.jobs.delete(this.jobs.keys().next().value as string); // oldest
  }

  /**
   * Shops that failed (the origin down or failing mid-resync) are tried again in rounds, after
   * growing waits, so a resync that crosses an outage still ends with every document right; what
   * still fails after the last round is the job's `failed`.
   */
  private async retryMissed(job: Job, missed: string[], batchSize: number) {
    for (const waitMs of this.o.retryRoundsMs ?? [1000, 2000, 4000, 8000, 16_000, 30_000]) {
      if (missed.length === 0) return;
      await new Promise((r) => setTimeout(r, waitMs));
      const again = missed.splice(0);
      for (let i = 0; i < again.length; i += batchSize) {
        const chunk = again.slice(i, i + batchSize);
        const outcome = await this.o.rebuilder.rebuildShops(chunk);
        missed.push(...outcome.failed.keys());
        for (let n = chunk.length - outcome.failed.size; n > 0; n--) this.o.repair?.record("resync", null);
      }
      job.failed = missed.length;
      this.persist(job);
      this.o.logger.info("resync.retried", {
        job: job.id,
        retried: again.length,
        stillFailing: missed.length,
      });
    }
  }

  private async enumerate(scope: ResyncBody): Promise<string[]> {
    const { origin } = this.o;
    if (scope.shopIds) return [...new Set(scope.shopIds)];
    const ids = new Set<string>();
    if (scope.all) {
      let after: string | undefined;
      do {
        const page = await origin.shopIds({ ...(after ? { after } : {}), limit: 1000 });
        for (const id of page.ids) ids.add(id);
        after = page.next ?? undefined;
      } while (after);
      return [...ids];
    }
    const since =
      /^\d/.test(scope.since ?? "") && !scope.since?.includes("T")
        ? new Date((this.o.now ?? Date.now)() - durationMs(scope.since as string)).toISOString()
        : (scope.since as string);
    let after: number | undefined;
    for (;;) {
      const page = await origin.changes({ since, ...(after !== undefined ? { after } : {}), limit: 1000 });
      if (page.changes.length === 0) break;
      for (const c of page.changes) {
        if (c.type === "owner") for (const s of (await origin.owner(c.id))?.shopIds ?? []) ids.add(s);
        else ids.add(c.shopId ?? c.id);
      }
      after = page.next;
    }
    return [...ids];
  }
}
