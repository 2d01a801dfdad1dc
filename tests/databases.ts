import { cp, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { openPglite } from "../origin/db/pglite.ts";
import type { Database } from "../origin/db/sql.ts";
import { openThrowawayPostgres } from "./throwaway-postgres.ts";

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

/** A data folder for an origin process: a copy of the run's migrated PGlite folder, so no initdb. */
export async function originDataDir(prefix = "origin-data-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await cp(inject("pgliteDataDir"), dir, { recursive: true });
  return dir;
}
