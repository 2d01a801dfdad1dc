import { EventRelay, type RelayOptions, type RelaySource } from "../clients/event-relay.ts";
import type { Logger } from "../runtime/log.ts";
import type { Database } from "./db/sql.ts";
import { markDelivered, pendingChanges, pruneDelivered, toEvent } from "./domain/outbox.ts";

export type OutboxRelayOptions = Omit<RelayOptions, "logger"> & {
  db: Database;
  logger: Logger;
  retentionHours?: number;
};

/**
 * The reference origin's relay: its own outbox table (seq order is commit order, see
 * domain/outbox.ts) through the shared delivery loop. Delivered rows are marked, and pruned after
 * the retention, so the change feed reaches back that far.
 *
 * The mark is written behind the next round, not before it: seq order is commit order, so the
 * relay reads on after the last seq it delivered and no row can be missed, and an event no longer
 * waits for the previous batch's UPDATE. A crash before a mark lands re-sends those rows (at least
 * once, as before).
 */
export class OutboxRelay extends EventRelay {
  constructor(o: OutboxRelayOptions) {
    super(outboxSource(o.db, o.logger, o.retentionHours ?? 168), o);
  }
}

function outboxSource(db: Database, logger: Logger, retentionHours: number): RelaySource {
  let after = 0; // the last seq delivered by this process
  // Delivered seqs not yet marked; one UPDATE at a time takes all that gathered meanwhile.
  const unmarked: number[] = [];
  let marking: Promise<void> | null = null;
  const markAll = async () => {
    while (unmarked.length > 0) {
      const seqs = unmarked.splice(0);
      // A failed mark leaves rows a restarted relay sends again (this one reads on after them).
      await markDelivered(db, seqs).catch((error) =>
        logger.warn("relay.mark_failed", { rows: seqs.length, error: String(error) }),
      );
    }
    marking = null;
  };
  return {
    async take(limit) {
      const rows = await pendingChanges(db, limit, after);
      return {
        events: rows.map(toEvent),
        rows: rows.length,
        async done() {
          if (rows.length === 0) return; // (and markAll must never start with nothing to mark)
          after = Math.max(after, rows.at(-1)?.seq ?? 0);
          for (const r of rows) unmarked.push(r.seq);
          marking ??= markAll();
        },
      };
    },
    flush: async () => {
      await marking;
    },
    async housekeeping() {
      const pruned = await pruneDelivered(db, retentionHours);
      if (pruned > 0) logger.info("relay.pruned", { rows: pruned });
    },
  };
}
