import { type Change, type ChangeEvent, docKey, type Logger, type OriginClient } from "../contract/index.ts";
import type { DocumentStore } from "../store/port.ts";
import type { ChangeQueue } from "./queue/port.ts";

export const CHECKPOINT = "changes";

export type CatchUpReport = { at: string; from: number; to: number; events: number; error?: string };

/**
 * Repairs lost events (BRIEF §6): reads the origin's change feed after the stored checkpoint and
 * queues each change like an event. The checkpoint moves only after the queue holds the page, so a
 * crash in between re-reads it (duplicates are harmless; gaps are not).
 */
export class CatchUp {
  last: CatchUpReport | null = null;
  /** When a pass last reached the end of the feed: the age of the checkpoint. */
  lastOkAt: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<CatchUpReport> | null = null;

  constructor(
    private readonly o: {
      origin: OriginClient;
      store: DocumentStore;
      queue: ChangeQueue;
      logger: Logger;
      pageSize?: number;
    },
  ) {}

  /** One pass to the end of the feed; concurrent calls share the pass in flight. */
  run(): Promise<CatchUpReport> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  every(ms: number): void {
    this.timer = setInterval(() => void this.run().catch(() => {}), ms);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private notYetApplied(changes: Change[]): Promise<Change[]> {
    return filterApplied(this.o.store, changes);
  }

  private async pass(): Promise<CatchUpReport> {
    const { origin, store, queue } = this.o;
    const from = (await store.getCheckpoint(CHECKPOINT)) ?? 0;
    let cursor = from;
    let events = 0;
    try {
      for (;;) {
        const page = await origin.changes({ after: cursor, limit: this.o.pageSize ?? 1000 });
        if (page.changes.length === 0) break;
        const missed = await this.notYetApplied(page.changes);
        if (missed.length) await queue.send(missed.map(toEvent));
        events += missed.length;
        cursor = page.next;
        await store.setCheckpoint(CHECKPOINT, cursor);
      }
      this.last = { at: new Date().toISOString(), from, to: cursor, events };
      this.lastOkAt = this.last.at;
    } catch (error) {
      this.last = { at: new Date().toISOString(), from, to: cursor, events, error: String(error) };
      this.o.logger.warn("catch_up.failed", { from, reached: cursor, error: String(error) });
    }
    if (events > 0) this.o.logger.info("catch_up.queued", { from, to: cursor, events });
    return this.last;
  }
}

/**
 * Changes whose shop detail was already built from a snapshot at or after them need nothing: the
 * state API's seq orders commits, so such a document already reflects the change. Only the rest are
 * queued, so a routine catch-up does not push a backlog of duplicates ahead of live events. Owner
 * changes cannot be checked this way and are always queued.
 */
async function filterApplied(store: DocumentStore, changes: Change[]): Promise<Change[]> {
  const shopIds = [...new Set(changes.filter((c) => c.type !== "owner").map((c) => c.shopId ?? c.id))];
  const docs = await store.getMany(shopIds.map((id) => docKey.detail(id)));
  const builtAt = new Map(shopIds.map((id, i) => [id, docs[i]?.seq ?? -1]));
  return changes.filter((c) => c.type === "owner" || (builtAt.get(c.shopId ?? c.id) ?? -1) < c.seq);
}

export function toEvent(change: {
  type: ChangeEvent["type"];
  id: string;
  shopId: string | null;
  at: string;
}): ChangeEvent {
  const withShop = (change.type === "menu" || change.type === "ad") && change.shopId;
  return {
    type: change.type,
    id: change.id,
    ...(withShop ? { shopId: change.shopId as string } : {}),
    occurredAt: change.at,
  };
}
