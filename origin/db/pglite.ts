import { PGlite } from "@electric-sql/pglite";
import { type Database, SNAPSHOT, type Sql } from "./sql.ts";

export type PgliteOptions = {
  /** A directory for data on disk; omit for an in-memory database. */
  dataDir?: string;
  /** A dumped data dir (tests load one instead of running initdb each time, which costs seconds). */
  loadDataDir?: Blob | File;
};

/** PGlite adds `dump()`: tests migrate once and load the dump instead of running initdb again. */
export async function openPglite(options: PgliteOptions = {}): Promise<Database & { dump(): Promise<Blob> }> {
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const wrap = (q: Pick<PGlite, "query">): Sql => ({
    async query<T>(text: string, params: readonly unknown[] = []) {
      const result = await q.query<T>(text, params as unknown[]);
      return result.rows;
    },
  });
  return {
    engine: "pglite",
    ...wrap(db),
    // PGlite is one connection: transactions are already serialised, so no retry loop is needed.
    transaction: (fn, mode = "write") =>
      mode === "statement"
        ? fn(wrap(db))
        : db.transaction(async (tx) => {
            if (mode === "snapshot") await tx.query(SNAPSHOT);
            return fn(wrap(tx));
          }),
    close: () => db.close(),
    dump: () => db.dumpDataDir("none"),
  };
}
