import type postgres from "postgres";
import type { RelayConfig } from "./config.ts";

export type OutboxShape = { idType: string; timestamp: string | null; columns: string[] };

/**
 * Reads the outbox table's columns once at start, so a wrong name fails with the name and the
 * flag that sets it instead of a SQL error in the delivery loop.
 */
export async function columnsOf(sql: postgres.Sql, c: RelayConfig): Promise<OutboxShape> {
  const rows = await sql`
    SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
    FROM pg_attribute a WHERE a.attrelid = to_regclass(${c.table}) AND a.attnum > 0 AND NOT a.attisdropped`;
  if (rows.length === 0) throw new Error(`table ${c.table} not found (--table)`);
  const types = new Map(rows.map((r) => [String(r.name), String(r.type)]));
  const need: [string, string][] = [
    [c.columns.id, "--id-column"],
    [c.columns.aggregateType, "--aggregate-type-column"],
    [c.columns.aggregateId, "--aggregate-id-column"],
    [c.columns.payload, "--payload-column"],
  ];
  if (c.shopId.startsWith("column.")) need.push([c.shopId.slice(7), "--shop-id"]);
  if (c.columns.timestamp) need.push([c.columns.timestamp, "--timestamp-column"]);
  for (const [name, flag] of need)
    if (!types.has(name))
      throw new Error(
        `table ${c.table} has no column ${name} (${flag}); it has ${[...types.keys()].join(", ")}`,
      );
  const timestamp =
    c.columns.timestamp === undefined
      ? (["timestamp", "created_at", "occurred_at"].find((n) => types.get(n)?.startsWith("timestamp")) ??
        null)
      : c.columns.timestamp;
  return { idType: types.get(c.columns.id) as string, timestamp, columns: [...types.keys()] };
}

/** The relay's own bookkeeping, in the team's database beside the outbox (created if missing). */
export async function ensureRelayTables(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`
    CREATE TABLE IF NOT EXISTS edge_cache_relay_rows (
      relay text NOT NULL, row_id text NOT NULL, outcome text NOT NULL, why text,
      row_ts timestamptz, at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (relay, row_id));
    CREATE TABLE IF NOT EXISTS edge_cache_relay_checkpoint (
      relay text PRIMARY KEY, row_ts timestamptz, delivered bigint NOT NULL DEFAULT 0,
      skipped bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now());`);
}

/**
 * A statement-level trigger that NOTIFYs the relay's channel after rows are added, so an event
 * leaves within milliseconds of the commit (NOTIFY is delivered at commit) instead of at the poll.
 */
export function triggerSql(table: string, channel: string): string {
  const fn = `edge_cache_notify_${channel}`;
  return `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('${channel}', ''); RETURN NULL; END $$;
DROP TRIGGER IF EXISTS ${fn} ON ${table};
CREATE TRIGGER ${fn} AFTER INSERT ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();`;
}
