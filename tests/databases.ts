import { readFile } from "node:fs/promises";
import postgres from "postgres";
import { inject } from "vitest";
import { migrate } from "../origin/db/migrations.ts";
import { openPglite } from "../origin/db/pglite.ts";
import { openPostgres } from "../origin/db/postgres.ts";
import type { Database } from "../origin/db/sql.ts";

export type Engine = { name: "pglite" | "postgres"; open(): Promise<Database> };

let dump: Blob | null = null;

/** Every origin suite runs on these: PGlite always, PostgreSQL when the run has a server. */
export function engines(): Engine[] {
  const list: Engine[] = [{ name: "pglite", open: openFreshPglite }];
  const url = inject("postgresUrl");
  if (url) list.push({ name: "postgres", open: () => openThrowawayPostgres(url) });
  return list;
}

async function openFreshPglite(): Promise<Database> {
  dump ??= new Blob([await readFile(inject("pgliteDump"))]);
  return openPglite({ loadDataDir: dump });
}

/** A database of its own per test, dropped on close: tests never see each other's rows. */
async function openThrowawayPostgres(url: string): Promise<Database> {
  const name = `edge_cache_t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = await openPostgres(target.toString(), { max: 4 });
  await migrate(db);
  return {
    ...db,
    async close() {
      await db.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 1 });
    },
  };
}
