import type { OriginClient } from "../clients/index.ts";
import type { Logger } from "../runtime/index.ts";
import { CATALOGUE_CHECKPOINT, type DocumentStore } from "../store/port.ts";
import { type ChangeQueue, waiting } from "./queue/port.ts";

export type SweepReport = {
  at: string;
  complete: boolean;
  /** Shops the origin enumerated that the catalogue lacks (counted up to the first page that had any while work was queued). */
  missing: number;
  /** Of those, queued for a rebuild (only while the queue was idle: otherwise they are most likely on their way). */
  queued: number;
  error?: string;
};

const PAGE = 1000;

/**
 * Decides when the catalogue is complete, so that edges may answer 404 for an id or a region it
 * lacks without asking the origin. Shops enter the catalogue with their regions when they are
 * rebuilt (pipeline/rebuild.ts); this pass enumerates the origin's shop ids and checks each is there.
 * With none missing it sets `CATALOGUE_CHECKPOINT` and is done until a purge of everything clears it.
 *
 * Shops still missing while the queue is idle are queued as repair work: the change feed may have
 * been pruned past their creation (a store started long after the origin), or a store built before
 * the catalogue existed is being upgraded. While work is queued they are most likely on their way (a
 * first build), and the pass stops at the first such page rather than read the whole enumeration.
 */
export class CatalogueSweep {
  last: SweepReport | null = null;
  private running: Promise<SweepReport> | null = null;
  constructor(
    private readonly o: {
      origin: OriginClient;
      store: DocumentStore;
      queue: ChangeQueue;
      logger: Logger;
      now?: () => number;
    },
  ) {}

  /** Whether the catalogue is complete (the store's word, so any sync-worker's pass counts). */
  async complete(): Promise<boolean> {
    return (await this.o.store.getCheckpoint(CATALOGUE_CHECKPOINT)) !== null;
  }

  /** One pass; concurrent calls share it. A pass on a complete catalogue reads one checkpoint. */
  run(): Promise<SweepReport> {
    this.running ??= this.pass()
      .then((report) => {
        this.last = report;
        return report;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async pass(): Promise<SweepReport> {
    const { origin, store, queue } = this.o;
    const now = (this.o.now ?? Date.now)();
    const at = new Date(now).toISOString();
    let missing = 0;
    let queued = 0;
    try {
      if (await this.complete()) return { at, complete: true, missing: 0, queued: 0 };
      const idle = waiting(await queue.depth()) === 0;
      let after: string | undefined;
      for (;;) {
        const page = await origin.shopIds({ ...(after ? { after } : {}), limit: PAGE });
        const known = await store.inCatalogue("shop", page.ids);
        const lacking = page.ids.filter((_, i) => !known[i]);
        missing += lacking.length;
        if (lacking.length > 0 && !idle) break;
        if (lacking.length > 0) {
          await queue.send(
            lacking.map((id) => ({ type: "shop" as const, id, occurredAt: at })),
            { source: "catch-up" },
          );
          queued += lacking.length;
        }
        if (!page.next || page.ids.length === 0) break;
        after = page.next;
      }
      const complete = missing === 0;
      if (complete) {
        await store.setCheckpoint(CATALOGUE_CHECKPOINT, now);
        this.o.logger.info("catalogue.complete", { at });
      } else if (queued > 0) this.o.logger.info("catalogue.queued", { missing, queued });
      return { at, complete, missing, queued };
    } catch (error) {
      this.o.logger.warn("catalogue.sweep_failed", { error: String(error) });
      return { at, complete: false, missing, queued, error: String(error) };
    }
  }
}
