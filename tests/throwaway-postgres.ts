import postgres from "postgres";
import { migrate } from "../origin/db/migrations.ts";
import { openPostgres } from "../origin/db/postgres.ts";
import type { Database } from "../origin/db/sql.ts";

/**
 * A database of its own per test (or bench run) on a PostgreSQL server, dropped on close: runs never
 * see each other's rows. Free of vitest, so the benchmarks can use it too.
 */
export async function openThrowawayPostgres(
  url: string,
  o: {
    max?: number;
    asyncCommit?: boolean /** No origin schema: a team's own database. */;
    bare?: boolean;
  } = {},
): Promise<Database & { url: string }> {
  const name = `edge_cache_t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  // Benchmarks of the query side only: commits stop waiting for the disk flush (no durability).
  if (o.asyncCommit) await admin.unsafe(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = await openPostgres(target.toString(), { max: o.max ?? 4 });
  if (!o.bare) await migrate(db);
  return {
    ...db,
    /** Where other processes (an origin under test) reach this database. */
    url: target.toString(),
    async close() {
      await db.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 1 });
    },
  };
}
