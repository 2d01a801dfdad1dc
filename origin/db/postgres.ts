import postgres from "postgres";
import { type Database, RETRYABLE_SQLSTATES, type Sql } from "./sql.ts";

/**
 * A PostgreSQL pool behind the origin's `Sql` port. Statements are prepared by default (postgres.js
 * keeps them per connection, by text; `sql.unsafe` alone would not): ours are a fixed set with
 * parameters, and parsing and planning one afresh on every call cost more than running it — a menu
 * price change took the server 600–730 µs of CPU unprepared against 160–210 µs prepared, at 2,000
 * and at 100,000 shops alike (bench/statement-cost.ts, bench/results/prepared-statements.txt).
 */
export async function openPostgres(
  url: string,
  options: { max?: number; prepare?: boolean } = {},
): Promise<Database> {
  const prepare = options.prepare ?? true;
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connect_timeout: 10,
    // We pass jsonb as JSON text (as PGlite takes it); the default serializer would encode it twice.
    types: {
      jsonb: {
        to: 3802,
        from: [3802],
        serialize: (x: unknown) => (typeof x === "string" ? x : JSON.stringify(x)),
        parse: (x: string) => JSON.parse(x),
      },
    },
  });
  const wrap = (q: postgres.Sql | postgres.TransactionSql): Sql => ({
    async query<T>(text: string, params: readonly unknown[] = []) {
      return (await q.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
        prepare,
      })) as unknown as T[];
    },
  });
  await sql`select 1`; // fail fast with a clear error when the server is not there
  return {
    engine: "postgres",
    ...wrap(sql),
    async transaction(fn, mode = "write") {
      const options = mode === "snapshot" ? "isolation level repeatable read read only" : "";
      for (let attempt = 1; ; attempt++) {
        try {
          if (mode === "statement") return await fn(wrap(sql));
          return (await sql.begin(options, (tx) => fn(wrap(tx)))) as Awaited<ReturnType<typeof fn>>;
        } catch (error) {
          const code = (error as { code?: string }).code;
          // Concurrent owner and shop edits can deadlock on shop rows; Postgres aborts one, we rerun it.
          if (attempt < 5 && code && RETRYABLE_SQLSTATES.has(code)) continue;
          throw error;
        }
      }
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
