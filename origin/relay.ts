import { EventRelay, type RelayOptions, type RelaySource } from "../contract/event-relay.ts";
import type { Logger } from "../contract/log.ts";
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
 */
export class OutboxRelay extends EventRelay {
  constructor(o: OutboxRelayOptions) {
    super(outboxSource(o.db, o.logger, o.retentionHours ?? 168), o);
  }
}

function outboxSource(db: Database, logger: Logger, retentionHours: number): RelaySource {
  return {
    async take(limit) {
      const rows = await pendingChanges(db, limit);
      return {
        events: rows.map(toEvent),
        rows: rows.length,
        done: () =>
          markDelivered(
            db,
            rows.map((r) => r.seq),
          ),
      };
    },
    async housekeeping() {
      const pruned = await pruneDelivered(db, retentionHours);
      if (pruned > 0) logger.info("relay.pruned", { rows: pruned });
    },
  };
}
