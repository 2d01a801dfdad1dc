import postgres from "postgres";
import type { RelaySource } from "../clients/event-relay.ts";
import { ChangeEvent } from "../contract/index.ts";
import type { Logger } from "../runtime/log.ts";
import { type RelayConfig, shopIdOf } from "./config.ts";
import { columnsOf, ensureRelayTables, type OutboxShape } from "./schema.ts";

export type SkipReason = "unmapped_type" | "no_shop_id" | "invalid";
export type Skipped = {
  rowId: string;
  aggregateType: string;
  ts: Date | null;
  reason: SkipReason;
  why: string;
};
type Row = {
  row_id: string;
  aggregate_type: string | null;
  aggregate_id: string | null;
  payload: string | null;
  ts: Date | null;
  shop_id_column?: string | null;
};

/**
 * A team's own outbox table (Debezium's outbox event router shape) as a relay source. Rows are
 * read oldest first (by the timestamp column, then id) and mapped to zero-payload events; a row
 * that cannot be mapped is recorded as skipped with its reason and never blocks the rest. `mark`
 * keeps rows and records each delivered id (so nothing is skipped when transactions commit out of
 * timestamp order, within `lookbackMinutes`); `delete` removes delivered rows.
 */
export async function debeziumSource(
  c: RelayConfig,
  logger: Logger,
  onSkip: (s: Skipped) => void,
): Promise<
  RelaySource & {
    sql: postgres.Sql;
    shape: OutboxShape;
    pendingRows(cap: number): Promise<number>;
    close(): Promise<void>;
  }
> {
  const sql = postgres(c.databaseUrl, { max: 2, onnotice: () => {}, connect_timeout: 10 });
  const shape = await columnsOf(sql, c);
  await ensureRelayTables(sql);
  const col = (name: string) => `o.${name}`;
  const ts = shape.timestamp ? col(shape.timestamp) : null;
  const select = [
    `${col(c.columns.id)}::text AS row_id`,
    `${col(c.columns.aggregateType)}::text AS aggregate_type`,
    `${col(c.columns.aggregateId)}::text AS aggregate_id`,
    `${col(c.columns.payload)}::text AS payload`,
    `${ts ?? "NULL::timestamptz"} AS ts`,
    ...(c.shopId.startsWith("column.") ? [`${col(c.shopId.slice(7))}::text AS shop_id_column`] : []),
  ].join(", ");
  // Rows this relay has recorded (delivered in mark mode, skipped in both) are not read again; with a
  // timestamp the scan starts `lookbackMinutes` before the newest delivered row, so it stays small.
  const where = `NOT EXISTS (SELECT 1 FROM edge_cache_relay_rows r
      WHERE r.relay = $1 AND r.row_id = ${col(c.columns.id)}::text)
    ${ts ? `AND ($2::timestamptz IS NULL OR ${ts} >= $2::timestamptz - make_interval(mins => $3))` : ""}`;
  const pending = `SELECT ${select} FROM ${c.table} o WHERE ${where}
    ORDER BY ${ts ? `${ts}, ` : ""}${col(c.columns.id)} LIMIT $${ts ? 4 : 2}`;
  const params = async (limit: number) =>
    ts
      ? [c.name, c.onDelivery === "mark" ? await checkpoint() : null, c.lookbackMinutes, limit]
      : [c.name, limit];

  const checkpoint = async (): Promise<Date | null> => {
    const [row] = await sql`SELECT row_ts FROM edge_cache_relay_checkpoint WHERE relay = ${c.name}`;
    return (row?.row_ts as Date | null) ?? null;
  };

  return {
    sql,
    shape,
    async take(limit) {
      const rows = (await sql.unsafe(pending, await params(limit))) as unknown as Row[];
      const events: ChangeEvent[] = [];
      const delivered: Row[] = [];
      const skipped: Skipped[] = [];
      for (const row of rows) {
        const mapped = toEvent(c, row);
        if ("event" in mapped) {
          events.push(mapped.event);
          delivered.push(row);
        } else
          skipped.push({
            rowId: row.row_id,
            aggregateType: String(row.aggregate_type),
            ts: row.ts,
            ...mapped,
          });
      }
      return {
        events,
        rows: rows.length,
        done: async () => {
          await sql.begin(async (tx) => {
            const record = (list: { rowId: string; ts: Date | null }[], outcome: string, why: string[]) =>
              list.length === 0
                ? null
                : tx.unsafe(
                    `INSERT INTO edge_cache_relay_rows (relay, row_id, outcome, why, row_ts)
                     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[])
                     ON CONFLICT DO NOTHING`,
                    [
                      c.name,
                      list.map((r) => r.rowId),
                      list.map(() => outcome),
                      why,
                      list.map((r) => r.ts?.toISOString() ?? null),
                    ],
                  );
            await record(
              skipped,
              "skipped",
              skipped.map((s) => s.why),
            );
            if (c.onDelivery === "mark")
              await record(
                delivered.map((r) => ({ rowId: r.row_id, ts: r.ts })),
                "delivered",
                delivered.map(() => ""),
              );
            else if (delivered.length > 0)
              await tx.unsafe(
                `DELETE FROM ${c.table} WHERE ${c.columns.id} = ANY($1::text[]::${shape.idType}[])`,
                [delivered.map((r) => r.row_id)],
              );
            const newest = rows.reduce<Date | null>((m, r) => (r.ts && (!m || r.ts > m) ? r.ts : m), null);
            await tx`INSERT INTO edge_cache_relay_checkpoint ${tx({ relay: c.name, row_ts: newest, delivered: events.length, skipped: skipped.length })}
              ON CONFLICT (relay) DO UPDATE SET
                row_ts = greatest(edge_cache_relay_checkpoint.row_ts, excluded.row_ts),
                delivered = edge_cache_relay_checkpoint.delivered + excluded.delivered,
                skipped = edge_cache_relay_checkpoint.skipped + excluded.skipped,
                updated_at = now()`;
          });
          for (const s of skipped) {
            onSkip(s);
            logger.warn("relay.row_skipped", { row: s.rowId, aggregateType: s.aggregateType, why: s.why });
          }
        },
      };
    },
    async housekeeping() {
      // Delivered records only matter while their row can still be scanned: inside the lookback
      // window, or (without a timestamp) while the row is still in the outbox.
      const cutoff = await checkpoint();
      const removed =
        ts && cutoff
          ? await sql`DELETE FROM edge_cache_relay_rows WHERE relay = ${c.name} AND outcome = 'delivered'
              AND row_ts < ${cutoff}::timestamptz - make_interval(mins => ${c.lookbackMinutes + 60})`
          : await sql.unsafe(
              `DELETE FROM edge_cache_relay_rows r WHERE r.relay = $1 AND r.outcome = 'delivered'
               AND NOT EXISTS (SELECT 1 FROM ${c.table} o WHERE ${col(c.columns.id)}::text = r.row_id)`,
              [c.name],
            );
      if (removed.count > 0) logger.info("relay.pruned_records", { rows: removed.count });
    },
    async pendingRows(cap) {
      const [row] = await sql.unsafe(
        `SELECT count(*) AS n FROM (SELECT 1 FROM ${c.table} o WHERE ${where} LIMIT $${ts ? 4 : 2}) p`,
        await params(cap),
      );
      return Number(row?.n ?? 0);
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** One outbox row → a zero-payload event, or why it cannot be one. */
function toEvent(c: RelayConfig, row: Row): { event: ChangeEvent } | { reason: SkipReason; why: string } {
  const type = c.types[String(row.aggregate_type)];
  if (!type)
    return { reason: "unmapped_type", why: `aggregate type "${row.aggregate_type}" is not mapped (--map)` };
  const shopId =
    type === "menu" || type === "ad"
      ? shopIdOf(c.shopId, {
          payload: row.payload,
          shopIdColumn: row.shop_id_column ?? null,
        })
      : undefined;
  if ((type === "menu" || type === "ad") && !shopId)
    return { reason: "no_shop_id", why: `no shop id at ${c.shopId}` };
  const parsed = ChangeEvent.safeParse({
    type,
    id: row.aggregate_id,
    ...(shopId ? { shopId } : {}),
    occurredAt: (row.ts ?? new Date()).toISOString(),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { reason: "invalid", why: `${issue?.path.join(".") || "event"}: ${issue?.message}` };
  }
  return { event: parsed.data };
}
