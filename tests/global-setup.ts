import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { migrate } from "../origin/db/migrations.ts";
import { openPglite } from "../origin/db/pglite.ts";
import { checkServers } from "./servers.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteDump: string;
    pgliteDataDir: string;
    postgresUrl: string | null;
    redisUrl: string | null;
  }
}

/**
 * One initdb + migration for the whole run, instead of 2.5–5 s of initdb per test: dumped to a file
 * that each in-process test loads in ~0.5 s, and kept as a data folder that each origin process
 * starts from a copy of (tests/databases.ts originDataDir).
 */
export default async function setup(project: TestProject) {
  const servers = await checkServers();
  const dir = await mkdtemp(join(tmpdir(), "edge-cache-test-"));
  const db = await openPglite();
  await migrate(db);
  const file = join(dir, "pglite-migrated.tar");
  await writeFile(file, Buffer.from(await (await db.dump()).arrayBuffer()));
  await db.close();
  const template = join(dir, "pglite-data");
  const onDisk = await openPglite({ dataDir: template });
  await migrate(onDisk);
  await onDisk.close();
  project.provide("pgliteDump", file);
  project.provide("pgliteDataDir", template);
  project.provide("postgresUrl", servers.postgresUrl);
  project.provide("redisUrl", servers.redisUrl);
  return () => rm(dir, { recursive: true, force: true });
}
