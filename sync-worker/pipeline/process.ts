import type { OriginClient } from "../../clients/index.ts";
import type { DeadLetter } from "../../contract/index.ts";
import type { Logger } from "../../runtime/index.ts";
import type { RecordStore } from "../../store/port.ts";
import type { Delivery } from "../queue/port.ts";
import type { LagWindow, RepairWindow, SyncCounters } from "../stats.ts";
import type { Rebuilder } from "./rebuild.ts";

export type BatchResult = {
  ack: string[];
  retry: { delivery: Delivery; delayMs: number }[];
  dead: DeadLetter[];
};

export type ProcessorOptions = {
  origin: OriginClient;
  store: RecordStore;
  rebuilder: Rebuilder;
  lag: LagWindow;
  repair: RepairWindow;
  counters: SyncCounters;
  logger: Logger;
  /** Deliveries of one event before it goes to the dead-letter queue. */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * While the origin breaker is not closed, a retry waits at least this long (the breaker's
   * half-open delay): retrying sooner would only meet the open breaker and burn attempts.
   */
  breaker?: { isClosed(): boolean; cooldownMs: number };
};

/**
 * One batch of deliveries: normalize each event to the shops it affects (owner → the owner's shops),
 * coalesce (100 events for one shop are one state fetch), rebuild, then decide per delivery: ack,
 * retry later with backoff, or dead-letter after `maxAttempts` with the reason.
 */
export class BatchProcessor {
  constructor(private readonly o: ProcessorOptions) {}

  async process(deliveries: readonly Delivery[]): Promise<BatchResult> {
    const shopsOf = new Map<string, string[]>();
    const failedEarly = new Map<string, string>();
    await Promise.all(
      deliveries.map(async (d) => {
        const e = d.event;
        if (e.type === "shop") shopsOf.set(d.id, [e.id]);
        else if (e.type === "menu" || e.type === "ad") shopsOf.set(d.id, [e.shopId ?? e.id]);
        else {
          try {
            shopsOf.set(d.id, (await this.o.origin.owner(e.id))?.shopIds ?? []); // vanished owner: nothing to do
          } catch (error) {
            failedEarly.set(d.id, `owner ${e.id}: ${(error as Error).message}`);
          }
        }
      }),
    );
    const outcome = await this.o.rebuilder.rebuildShops([...shopsOf.values()].flat());

    const result: BatchResult = { ack: [], retry: [], dead: [] };
    const now = Date.now();
    // LOG_LEVEL=debug: one line per batch, to see whether lag waited in the queue, on the origin or
    // in building (the oldest event's age against the batch's own phases).
    this.o.logger.debug("sync.batch", {
      source: deliveries[0]?.source,
      events: deliveries.length,
      oldestMs: Math.max(...deliveries.map((d) => now - Date.parse(d.event.occurredAt))),
      stateMs: Math.round(outcome.stateMs ?? 0),
      buildMs: Math.round(outcome.buildMs ?? 0),
    });
    for (const d of deliveries) {
      const reason =
        failedEarly.get(d.id) ?? (shopsOf.get(d.id) ?? []).map((s) => outcome.failed.get(s)).find(Boolean);
      if (!reason) {
        result.ack.push(d.id);
        const age = now - Date.parse(d.event.occurredAt);
        if (d.source === "live") this.o.lag.record(age, now);
        else this.o.repair.record(d.source, age, now);
        this.o.counters.eventsProcessed++;
      } else if (d.attempts + 1 >= (this.o.maxAttempts ?? 5)) {
        result.dead.push(await this.deadLetter(d, reason, now));
        result.ack.push(d.id);
      } else {
        const cooldown = this.o.breaker && !this.o.breaker.isClosed() ? this.o.breaker.cooldownMs : 0;
        result.retry.push({ delivery: d, delayMs: Math.max(cooldown, this.backoff(d.attempts)) });
        this.o.counters.retried++;
      }
    }
    return result;
  }

  private backoff(attempts: number): number {
    const ceiling = Math.min(this.o.retryMaxMs ?? 30_000, (this.o.retryBaseMs ?? 500) * 2 ** attempts);
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2); // "equal jitter"
  }

  private async deadLetter(d: Delivery, reason: string, now: number): Promise<DeadLetter> {
    const id = `${d.event.type}:${d.event.id}`;
    const at = new Date(now).toISOString();
    const earlier = (await this.o.store.listDeadLetters(10_000)).find((x) => x.id === id);
    const entry: DeadLetter = {
      id,
      payload: d.event,
      reason,
      attempts: (earlier?.attempts ?? 0) + d.attempts + 1,
      firstFailedAt: earlier?.firstFailedAt ?? at,
      lastFailedAt: at,
    };
    await this.o.store.putDeadLetter(entry);
    this.o.counters.deadLettered++;
    this.o.logger.warn("sync.dead_lettered", { id, reason, attempts: entry.attempts });
    return entry;
  }
}
