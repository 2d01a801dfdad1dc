import { mkdir } from "node:fs/promises";
import { migrate } from "./migrations.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";
import type { Database } from "./sql.ts";

/** `DATABASE_URL` selects a PostgreSQL server; otherwise PGlite on disk, so the demo needs no server. Migrates on open. */
export async function openDatabase(config: {
  DATABASE_URL?: string;
  DATABASE_POOL_MAX?: number;
  DATABASE_PREPARE?: boolean;
  ORIGIN_DATA_DIR: string;
}): Promise<Database> {
  let db: Database;
  if (config.DATABASE_URL) {
    db = await openPostgres(config.DATABASE_URL, {
      max: config.DATABASE_POOL_MAX ?? 10,
      prepare: config.DATABASE_PREPARE ?? true,
    });
  } else {
    await mkdir(config.ORIGIN_DATA_DIR, { recursive: true });
    db = await openPglite({ dataDir: config.ORIGIN_DATA_DIR });
  }
  await migrate(db);
  return db;
}
