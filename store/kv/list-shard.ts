import { type ShardAnswer, ShardRequest } from "./shard-protocol.ts";
import { applyChanges, type Rows, readList, SCHEMA, sqlRunner } from "./shard-sql.ts";

/**
 * The Durable Object that keeps lists and memberships for the KV store (docs/decisions): a shard
 * is a region's lists, or a bucket of shops' memberships. One object is one writer with
 * transactional SQLite, so list changes are atomic and row by row, and no KV key is written per list
 * change at all — KV keeps details only. Export it from the Worker that owns the class (the
 * sync-worker) and bind it in both (wrangler.toml).
 */
export class ListShard {
  private readonly sql: SqlStorage;

  constructor(private readonly ctx: DurableObjectState) {
    this.sql = ctx.storage.sql;
    for (const statement of SCHEMA) this.sql.exec(statement);
  }

  async fetch(request: Request): Promise<Response> {
    const parsed = ShardRequest.safeParse(await request.json().catch(() => null));
    if (!parsed.success) return Response.json({ error: parsed.error.issues }, { status: 400 });
    const rows: Rows = { rowsRead: 0, rowsWritten: 0 };
    const run = sqlRunner(this.sql, rows);
    const r = parsed.data;
    if (r.op === "purge") {
      await this.ctx.storage.deleteAll();
      for (const statement of SCHEMA) this.sql.exec(statement);
      return Response.json({ ...rows } satisfies ShardAnswer);
    }
    const answer = this.ctx.storage.transactionSync((): Omit<ShardAnswer, keyof Rows> => {
      switch (r.op) {
        case "apply":
          return { applied: applyChanges(run, r.changes, r.at, Date.now()) };
        case "seed": {
          if (run("SELECT 1 FROM lists WHERE list = ? AND rev > 0", r.list).length > 0)
            return { seeded: false };
          const changes = r.entries.map((e) => ({ list: r.list, ...e }));
          applyChanges(run, changes, r.at, Date.now());
          // An empty list is a list too.
          run(
            "INSERT INTO lists (list, rev, seq, at, total) VALUES (?, ?, 0, ?, 0) ON CONFLICT (list) DO UPDATE SET rev = max(rev, excluded.rev), at = excluded.at",
            r.list,
            Date.now(),
            r.at,
          );
          return { seeded: true };
        }
        case "read":
          return { lists: r.lists.map((list) => readList(run, list, r.n)) };
        case "ids":
          return {
            names: run<{ id: string }>("SELECT id FROM entries WHERE list = ?", r.list).map((x) => x.id),
          };
        case "drop": {
          let count = 0;
          for (const list of r.lists) {
            count += run("SELECT 1 FROM lists WHERE list = ? AND rev > 0", list).length;
            run("DELETE FROM entries WHERE list = ?", list);
            run("DELETE FROM lists WHERE list = ?", list);
          }
          return { count };
        }
        case "count":
          return { count: run("SELECT 1 FROM lists WHERE rev > 0").length };
        case "memberships":
          return { names: listsOf(run, r.shop) };
        case "register":
          for (const { shop, v, s } of r.shops)
            for (const list of r.lists)
              run(
                // Kept with the newest guard that wanted it; an equal guard writes no row.
                "INSERT INTO memberships (shop, list, v, s) VALUES (?, ?, ?, ?) ON CONFLICT (shop, list) DO UPDATE SET v = excluded.v, s = excluded.s WHERE excluded.v > v OR (excluded.v = v AND excluded.s > s)",
                shop,
                list,
                v,
                s,
              );
          return { names: listsOf(run, (r.shops[0] as { shop: string }).shop) };
        case "release":
          for (const list of r.lists)
            run(
              "DELETE FROM memberships WHERE shop = ? AND list = ? AND (v < ? OR (v = ? AND s <= ?))",
              r.shop,
              list,
              r.v,
              r.v,
              r.s,
            );
          return {};
        case "forget": {
          const names = listsOf(run, r.shop);
          run("DELETE FROM memberships WHERE shop = ?", r.shop);
          return { names };
        }
      }
    });
    return Response.json({ ...answer, ...rows } satisfies ShardAnswer);
  }
}

const listsOf = (run: ReturnType<typeof sqlRunner>, shop: string) =>
  run<{ list: string }>("SELECT list FROM memberships WHERE shop = ?", shop)
    .map((x) => x.list)
    .sort();
