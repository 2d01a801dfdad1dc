import type { OriginClient } from "../clients/index.ts";
import { type Change, type ChangeEvent, docKey } from "../contract/index.ts";
import type { Logger } from "../runtime/index.ts";
import { type DocumentStore, metasOf } from "../store/port.ts";
import type { ChangeQueue } from "./queue/port.ts";

export const CHECKPOINT = "changes";
type Limits = { graceMs: number; overflowThrough: number };

export type CatchUpReport = {
  at: string;
  from: number;
  to: number;
  events: number;
  /** Changes queued but not yet in a stored document: the checkpoint waits for them. */
  held?: number;
  /** Changes too young to call lost, left to the live path this pass (routine passes only). */
  deferred?: number;
  /**
   * Changes not sent again because an earlier pass sent them beyond what it could hold (`maxHeld`)
   * less than `resendAfterMs` ago: most likely still queued (routine passes only).
   */
  waiting?: number;
  error?: string;
};

export type CatchUpOptions = {
  origin: OriginClient;
  store: DocumentStore;
  queue: ChangeQueue;
  logger: Logger;
  pageSize?: number;
  /** A held change not yet reflected is sent again after this long, then twice as long, … */
  resendAfterMs?: number;
  /** After this long a change stops holding the checkpoint (dead-lettered, or nothing to build). */
  holdMs?: number;
  /** At most this many changes are held; beyond that the checkpoint moves on as before. */
  maxHeld?: number;
  /**
   * A routine pass (the timer, a cron) leaves a change younger than this to the live path: that
   * young, it is most likely still queued as a live event, and sending it again would double a
   * backlog's work just when the sync-worker is behind. Default 10 s.
   */
  graceMs?: number;
  /** The live lane's worst lag of late: the grace grows to twice it, so a backlog is not taken for loss. */
  liveLagMs?: () => number | null;
  now?: () => number;
};

/**
 * Repairs lost events (docs/sync-worker.md): reads the origin's change feed after the stored checkpoint and
 * queues each change a stored document does not reflect yet, like an event.
 *
 * The checkpoint only passes a change once a stored detail reflects it (or it cannot be checked:
 * owner changes, or it was held for `holdMs`). Queued is not applied: a queue flushed or lost after
 * a pass would otherwise take its changes with it, with the checkpoint already past them. Held
 * changes are re-read each pass and sent again every `resendAfterMs` until they show up.
 */
export class CatchUp {
  last: CatchUpReport | null = null;
  /** When a pass last reached the end of the feed: the age of the checkpoint. */
  lastOkAt: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<CatchUpReport> | null = null;
  /** seq → when this process first and last queued it; in memory, so a restart sends once more. */
  private readonly held = new Map<number, { first: number; last: number; sends: number }>();
  private lastFrom = 0;
  /**
   * The highest seq an earlier pass sent without holding it (past `maxHeld`), and when: a first
   * build of 100,000 shops sends them all at once, and the next routine pass found the half it
   * could not hold still unbuilt and queued it again. Treated like held changes' resend wait.
   */
  private overflow: { through: number; at: number } | null = null;

  constructor(private readonly o: CatchUpOptions) {}

  /**
   * One pass to the end of the feed; concurrent calls share the pass in flight. `routine` (the
   * timer's and the cron's passes) leaves young changes to the live path (`graceMs`); a pass asked
   * for (start, the console, the CLI) sends every change not reflected yet.
   */
  run(o: { routine?: boolean } = {}): Promise<CatchUpReport> {
    this.running ??= this.pass(this.routineLimits(o.routine ?? false)).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  every(ms: number): void {
    this.timer = setInterval(() => void this.run({ routine: true }).catch(() => {}), ms);
  }

  /**
   * A routine pass leaves a change younger than the grace to the live path, and one an earlier pass
   * sent beyond what it could hold to the queue until the resend wait is over. An asked-for pass
   * sends every missing change.
   */
  private routineLimits(routine: boolean): Limits {
    if (!routine) return { graceMs: 0, overflowThrough: -1 };
    const lag = this.o.liveLagMs?.() ?? 0;
    const graceMs = Math.min(Math.max(this.o.graceMs ?? 10_000, 2 * lag), this.o.holdMs ?? 10 * 60_000);
    const now = (this.o.now ?? Date.now)(); // the same clock the pass stamps `overflow.at` with
    const waited = this.overflow && now - this.overflow.at >= (this.o.resendAfterMs ?? 60_000);
    return { graceMs, overflowThrough: this.overflow && !waited ? this.overflow.through : -1 };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Which of a page's unapplied changes to send now, and whether each still holds the checkpoint. */
  private triage(
    change: Change,
    now: number,
    limits: Limits,
  ): { send: boolean; holds: boolean; left?: "live" | "queue" } {
    const h = this.held.get(change.seq);
    // Too young to call lost, or sent by an earlier pass that could not hold it: not sent, but it
    // holds the checkpoint, so the next pass reads it again.
    if (!h && now - Date.parse(change.at) < limits.graceMs) return { send: false, holds: true, left: "live" };
    if (!h && change.seq <= limits.overflowThrough) return { send: false, holds: true, left: "queue" };
    if (!h) {
      const hold = change.type !== "owner" && this.held.size < (this.o.maxHeld ?? 50_000);
      if (hold) this.held.set(change.seq, { first: now, last: now, sends: 1 });
      else if (change.type !== "owner") this.overflow = { through: change.seq, at: now };
      return { send: true, holds: hold };
    }
    if (now - h.first >= (this.o.holdMs ?? 10 * 60_000)) {
      this.held.delete(change.seq);
      this.o.logger.warn("catch_up.gave_up", { seq: change.seq, type: change.type, id: change.id });
      return { send: false, holds: false };
    }
    // Doubling waits: a change still queued behind a long backlog is not piled on again and again.
    const resend = now - h.last >= (this.o.resendAfterMs ?? 60_000) * 2 ** (h.sends - 1);
    if (resend) {
      h.last = now;
      h.sends++;
    }
    return { send: resend, holds: true };
  }

  private async pass(limits: Limits): Promise<CatchUpReport> {
    const { origin, store, queue } = this.o;
    const now = (this.o.now ?? Date.now)();
    const from = (await store.getCheckpoint(CHECKPOINT)) ?? 0;
    // The checkpoint went back (the store was flushed or restarted empty): what this process holds
    // as "sent, waiting to show" may have been lost with it. Send everything missing again now.
    if (from < this.lastFrom) {
      this.held.clear();
      this.overflow = null;
    }
    this.lastFrom = from;
    let cursor = from;
    let safe = from; // every change up to here is reflected or let go
    let holding = false;
    let events = 0;
    let deferred = 0;
    let waiting = 0;
    try {
      const limit = this.o.pageSize ?? 1000;
      for (;;) {
        const page = await origin.changes({ after: cursor, limit });
        if (page.changes.length === 0) break;
        const missed = new Set((await filterApplied(store, page.changes)).map((c) => c.seq));
        const send: Change[] = [];
        for (const change of page.changes) {
          const t = missed.has(change.seq) ? this.triage(change, now, limits) : { send: false, holds: false };
          if (!missed.has(change.seq)) this.held.delete(change.seq);
          if (t.send) send.push(change);
          else if (t.left === "live") deferred++;
          else if (t.left === "queue") waiting++;
          holding ||= t.holds;
          if (!holding) safe = change.seq;
        }
        if (send.length) await queue.send(send.map(toEvent), { source: "catch-up" });
        events += send.length;
        cursor = page.next;
        if (safe > from) await store.setCheckpoint(CHECKPOINT, safe);
        // A short page is the head of the feed as it was read. Reading on would chase a steady stream
        // for ever — a page of the few changes committed meanwhile, ~40 reads a second at 500
        // changes/s — work the live path does anyway; the next pass starts from the checkpoint.
        if (page.changes.length < limit) break;
      }
      for (const seq of this.held.keys()) if (seq <= safe) this.held.delete(seq);
      const counts = { from, to: safe, events, held: this.held.size, deferred, waiting };
      this.last = { at: new Date().toISOString(), ...counts };
      this.lastOkAt = this.last.at;
      if (events > 0) this.o.logger.info("catch_up.queued", counts);
    } catch (error) {
      this.last = { at: new Date().toISOString(), from, to: safe, events, error: String(error) };
      this.o.logger.warn("catch_up.failed", { from, reached: cursor, error: String(error) });
    }
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
  const docs = await metasOf(
    store,
    shopIds.map((id) => docKey.detail(id)),
  );
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
