/**
 * The origin's one data layer: a tiny port over PGlite and a PostgreSQL server, so the same SQL
 * runs on the embedded default and in production. Plain SQL with `$n` parameters; no ORM.
 */
export type Row = Record<string, unknown>;

export interface Sql {
  query<T = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * `write` transactions serialise only their commits, on the seq counter row (outbox.ts); `snapshot`
 * ones are REPEATABLE READ, READ ONLY so a state answer and its `seq` come from one snapshot
 * (the watermark the query side's guards rely on). `statement`: the function issues exactly one statement, which is its own transaction — no
 * BEGIN or COMMIT round trips — retried like a write transaction.
 */
export type TxMode = "write" | "snapshot" | "statement";

export interface Database extends Sql {
  readonly engine: "pglite" | "postgres";
  transaction<T>(fn: (tx: Sql) => Promise<T>, mode?: TxMode): Promise<T>;
  close(): Promise<void>;
}

export const SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

/** Postgres codes worth one more try: serialization failure and deadlock. */
export const RETRYABLE_SQLSTATES = new Set(["40001", "40P01"]);
