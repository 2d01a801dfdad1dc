import { durationMs, type Job, type Logger, type OriginClient, type ResyncBody } from "../contract/index.ts";
import type { Rebuilder } from "./pipeline/rebuild.ts";

const CHUNK = 100;

/**
 * Resync jobs (BRIEF §1's "full resync over the APIs" and "everything updated in the last N minutes").
 * A job enumerates shop ids from the origin, then rebuilds them in chunks directly — not through
 * the queue — so its progress counts shops actually rebuilt. Jobs live in this process's memory.
 */
export class Jobs {
  private readonly jobs = new Map<string, Job>();
  constructor(
    private readonly o: { origin: OriginClient; rebuilder: Rebuilder; logger: Logger; now?: () => number },
  ) {}

  get(id: string): Job | null {
    return this.jobs.get(id) ?? null;
  }

  list(): Job[] {
    return [...this.jobs.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1)).slice(0, 50);
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
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        const outcome = await this.o.rebuilder.rebuildShops(chunk);
        job.failed += outcome.failed.size;
        job.done += chunk.length;
      }
      job.state = "done";
    } catch (error) {
      job.state = "failed";
      job.error = String(error);
      this.o.logger.warn("resync.failed", { job: job.id, error: job.error });
    }
    job.finishedAt = new Date().toISOString();
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
