import type { ChangeEvent, EventType } from "../../contract/index.ts";
import type { Sql } from "../db/sql.ts";

export type OutboxRow = { seq: number; type: EventType; id: string; shopId: string | null; at: string };

/**
 * Appends one change to the outbox inside the caller's transaction, so the change and its event
 * commit or roll back together. The row is numbered at commit (migration 002's deferred trigger),
 * so seq order is commit order without holding the counter lock across the caller's round trips.
 */
export async function recordChange(
  tx: Sql,
  change: { type: EventType; id: string; shopId?: string | null },
): Promise<void> {
  await tx.query(`INSERT INTO outbox (seq, type, id, shop_id) VALUES (${PROVISIONAL}, $1, $2, $3)`, [
    change.type,
    change.id,
    change.shopId ?? null,
  ]);
}

const PROVISIONAL = "-nextval('outbox_provisional')";

/**
 * The same outbox row as a data-modifying CTE, for a command written as one statement: `id` and
 * `shopId` are SQL expressions over `from`, so no row in `from` (nothing changed) records nothing.
 */
export const changeFrom = (type: EventType, id: string, shopId: string, from: string) =>
  `INSERT INTO outbox (seq, type, id, shop_id) SELECT ${PROVISIONAL}, '${type}', ${id}, ${shopId} FROM ${from}`;

/** The watermark: the last committed seq visible to this snapshot. */
export async function currentSeq(tx: Sql): Promise<number> {
  const [row] = await tx.query<{ value: unknown }>("SELECT value FROM seq_counter WHERE id = 1");
  return Number(row?.value ?? 0);
}

const toRow = (r: Record<string, unknown>): OutboxRow => ({
  seq: Number(r.seq),
  type: r.type as EventType,
  id: String(r.id),
  shopId: r.shop_id == null ? null : String(r.shop_id),
  at: (r.at instanceof Date ? r.at : new Date(String(r.at))).toISOString(),
});

/** Undelivered rows after `after` (a relay's own high-water mark while its marks are in flight). */
export async function pendingChanges(db: Sql, limit: number, after = 0): Promise<OutboxRow[]> {
  const rows = await db.query(
    "SELECT seq, type, id, shop_id, at FROM outbox WHERE delivered_at IS NULL AND seq > $2 ORDER BY seq LIMIT $1",
    [limit, after],
  );
  return rows.map(toRow);
}

export async function markDelivered(db: Sql, seqs: number[]): Promise<void> {
  if (seqs.length === 0) return;
  await db.query("UPDATE outbox SET delivered_at = now() WHERE seq = ANY($1::bigint[])", [
    `{${seqs.join(",")}}`,
  ]);
}

/** Backlog and watermark for the state API's `/state/outbox`. */
export async function outboxStatus(db: Sql) {
  const [row] = await db.query<{ n: unknown; oldest: unknown; seq: unknown }>(
    `SELECT count(*) AS n, min(at) AS oldest, (SELECT value FROM seq_counter WHERE id = 1) AS seq
       FROM outbox WHERE delivered_at IS NULL`,
  );
  const oldest = row?.oldest == null ? null : new Date(row.oldest as string | Date).toISOString();
  return { seq: Number(row?.seq ?? 0), pending: Number(row?.n ?? 0), oldestPendingAt: oldest };
}

export async function pendingCount(db: Sql): Promise<number> {
  const [row] = await db.query<{ n: unknown }>("SELECT count(*) AS n FROM outbox WHERE delivered_at IS NULL");
  return Number(row?.n ?? 0);
}

/** Delivered rows older than the retention go; the change feed therefore reaches back that far. */
export async function pruneDelivered(db: Sql, retentionHours: number): Promise<number> {
  const rows = await db.query(
    "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND at < now() - make_interval(secs => $1) RETURNING seq",
    [retentionHours * 3600],
  );
  return rows.length;
}

export async function changesAfter(
  tx: Sql,
  q: { after?: number; since?: string; limit: number },
): Promise<OutboxRow[]> {
  const rows = await tx.query(
    `SELECT seq, type, id, shop_id, at FROM outbox
     WHERE seq > $1 AND ($2::timestamptz IS NULL OR at >= $2::timestamptz)
     ORDER BY seq LIMIT $3`,
    [q.after ?? 0, q.since ?? null, q.limit],
  );
  return rows.map(toRow);
}

/** The zero-payload event for an outbox row: type and ids only, never state (docs/decisions/001-zero-payload-events.md). */
export function toEvent(row: OutboxRow): ChangeEvent {
  return {
    type: row.type,
    id: row.id,
    ...(row.shopId && row.type !== "shop" ? { shopId: row.shopId } : {}),
    occurredAt: row.at,
  };
}
