import { LRUCache } from "lru-cache";
import { type Memberships, registerIn, releaseFrom } from "../list-record.ts";
import { type ShardAnswer, type ShardList, ShardRequest } from "./shard-protocol.ts";
import {
  applyChanges,
  type Rows,
  readHeads,
  readList,
  rowsIn,
  SCHEMA,
  sqlRunner,
  writeHeads,
} from "./shard-sql.ts";

/**
 * The Durable Object that keeps lists and memberships for the KV store: a shard is a region's lists
 * (shard-sql.ts), or a bucket of shops' memberships. One object is one writer with transactional
 * SQLite, so list changes are atomic and row by row, and no KV key is written for a list at all — KV
 * keeps details only (docs/decisions/012-lists-in-durable-objects.md). Export it from the Worker
 * that owns the class (the sync-worker) and bind it in both (wrangler.toml).
 */
export class ListShard {
  private readonly sql: SqlStorage;
  /**
   * Whole lists as last read, dropped when a write changes them: the object is their one writer, so
   * memory stays exact, and a read served from it reads no rows (rows read are billed; a list read
   * from SQLite reads every entry). Bounded by the cards' size; lost when the object is evicted.
   */
  private readonly read = new LRUCache<string, ShardList>({
    maxSize: 32 * 1024 * 1024,
    sizeCalculation: (l) => 256 + l.cards.reduce((n, c) => n + c.length * 2, 0),
  });

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
      this.read.clear();
      await this.ctx.storage.deleteAll();
      for (const statement of SCHEMA) this.sql.exec(statement);
      return Response.json({ ...rows } satisfies ShardAnswer);
    }
    // A shop's memberships: one row, {list: [version, seq]}, written only when it differs.
    const memberships = (shop: string): Memberships => {
      const [row] = run<{ lists: string }>("SELECT lists FROM memberships WHERE shop = ?", shop);
      const held = row ? (JSON.parse(row.lists) as Record<string, [number, number]>) : {};
      return new Map(Object.entries(held).map(([l, [version, seq]]) => [l, { version, seq }]));
    };
    const encoded = (m: Memberships) =>
      JSON.stringify(Object.fromEntries([...m].map(([l, g]) => [l, [g.version, g.seq]])));
    const save = (shop: string, m: Memberships, before: string) => {
      const value = encoded(m);
      if (value === before) return;
      if (m.size === 0) run("DELETE FROM memberships WHERE shop = ?", shop);
      else run("INSERT OR REPLACE INTO memberships (shop, lists) VALUES (?, ?)", shop, value);
    };

    const answer = this.ctx.storage.transactionSync((): Omit<ShardAnswer, keyof Rows> => {
      switch (r.op) {
        case "apply": {
          const applied = applyChanges(run, r.changes, r.at, Date.now());
          for (const list of applied.changed) this.read.delete(list);
          return { applied };
        }
        case "seed": {
          if ((readHeads(run).get(r.list)?.[0] ?? 0) > 0) return { seeded: false };
          this.read.delete(r.list);
          applyChanges(
            run,
            r.entries.map((e) => ({ list: r.list, ...e })),
            r.at,
            Date.now(),
          );
          const heads = readHeads(run);
          // An empty list (or one whose shops newer states removed) is a list too.
          if ((heads.get(r.list)?.[0] ?? 0) === 0)
            writeHeads(run, heads.set(r.list, [Date.now(), 0, r.at, 0]));
          return { seeded: true };
        }
        case "read": {
          let heads: ReturnType<typeof readHeads> | undefined;
          return {
            lists: r.lists.map((list) => {
              const held = this.read.get(list);
              if (held) return r.n === undefined ? held : { ...held, cards: held.cards.slice(0, r.n) };
              heads ??= readHeads(run);
              const fresh = readList(run, heads, list, r.n);
              if (fresh && r.n === undefined) this.read.set(list, fresh);
              return fresh;
            }),
          };
        }
        case "ids":
          return {
            names: run<{ id: string }>("SELECT id FROM entries WHERE list = ?", r.list).map((x) => x.id),
          };
        case "drop": {
          const heads = readHeads(run);
          const count = r.lists.filter((l) => (heads.get(l)?.[0] ?? 0) > 0).length;
          rowsIn(run, "DELETE FROM entries WHERE list", r.lists);
          for (const list of r.lists) {
            heads.delete(list);
            this.read.delete(list);
          }
          writeHeads(run, heads);
          return { count };
        }
        case "count":
          return { count: [...readHeads(run).values()].filter((h) => h[0] > 0).length };
        case "memberships":
          return { names: [...memberships(r.shop).keys()].sort() };
        case "register": {
          let names: string[] = [];
          r.shops.forEach(({ shop, v, s }, i) => {
            const m = memberships(shop);
            const before = encoded(m);
            const all = registerIn(m, { version: v, seq: s }, r.lists);
            save(shop, m, before);
            if (i === 0) names = all;
          });
          return { names };
        }
        case "release": {
          const m = memberships(r.shop);
          const before = encoded(m);
          releaseFrom(m, { version: r.v, seq: r.s }, r.lists);
          save(r.shop, m, before);
          return {};
        }
        case "forget": {
          const names = [...memberships(r.shop).keys()].sort();
          run("DELETE FROM memberships WHERE shop = ?", r.shop);
          return { names };
        }
      }
    });
    return Response.json({ ...answer, ...rows } satisfies ShardAnswer);
  }
}
