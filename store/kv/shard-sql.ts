import { guardLength } from "../list-record.ts";
import { supersedes } from "../port.ts";
import { utf8Length } from "../utf8.ts";
import type { ShardAnswer, ShardChange, ShardList } from "./shard-protocol.ts";

/**
 * A shard's lists in its Durable Object's SQLite: a row per (list, shop) with the shop's guard and,
 * while it is listed, its member (serving order: contract/list-order.ts) and card. A change writes
 * only the rows of the shops it names — the same guard rules and byte counts as the memory and Redis
 * adapters (list-record.ts), in one transaction, so a list is atomic here too.
 *
 * SQLite's BINARY collation compares UTF-8 bytes, the order members are built for.
 */
export const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS lists (list TEXT PRIMARY KEY, rev INTEGER NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, total INTEGER NOT NULL) WITHOUT ROWID",
  "CREATE TABLE IF NOT EXISTS entries (list TEXT NOT NULL, id TEXT NOT NULL, v INTEGER NOT NULL, s INTEGER NOT NULL, member TEXT, card TEXT, PRIMARY KEY (list, id)) WITHOUT ROWID",
  "CREATE INDEX IF NOT EXISTS serving ON entries (list, member) WHERE member IS NOT NULL",
  "CREATE TABLE IF NOT EXISTS memberships (shop TEXT NOT NULL, list TEXT NOT NULL, v INTEGER NOT NULL, s INTEGER NOT NULL, PRIMARY KEY (shop, list)) WITHOUT ROWID",
];

type Row = { v: number; s: number; member: string | null; card: string | null };
type ListRow = { rev: number; seq: number; at: string; total: number };
export type Rows = Pick<ShardAnswer, "rowsRead" | "rowsWritten">;

/** Runs statements and adds up the rows each read and wrote. */
export function sqlRunner(sql: SqlStorage, rows: Rows) {
  return <T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]): T[] => {
    const cursor = sql.exec<T>(query, ...bindings);
    const out = cursor.toArray();
    rows.rowsRead += cursor.rowsRead;
    rows.rowsWritten += cursor.rowsWritten;
    return out;
  };
}
type Run = ReturnType<typeof sqlRunner>;

/** Applies changes (any lists of the shard); answers the lists that changed and bytes per change. */
export function applyChanges(run: Run, changes: readonly ShardChange[], at: string, now: number) {
  const bytes = changes.map(() => 0);
  const changed: string[] = [];
  const byList = new Map<string, { c: ShardChange; i: number }[]>();
  changes.forEach((c, i) => {
    const group = byList.get(c.list) ?? [];
    if (group.length === 0) byList.set(c.list, group);
    group.push({ c, i });
  });
  for (const [list, group] of byList) {
    const head = run<ListRow>("SELECT rev, seq, at, total FROM lists WHERE list = ?", list)[0] ?? {
      rev: 0,
      seq: 0,
      at: "",
      total: 0,
    };
    const ids = [...new Set(group.map(({ c }) => c.id))];
    const slots = new Map<string, Row>();
    for (let i = 0; i < ids.length; i += 90) {
      const part = ids.slice(i, i + 90);
      const found = run<Row & { id: string }>(
        `SELECT id, v, s, member, card FROM entries WHERE list = ? AND id IN (${part.map(() => "?").join(",")})`,
        list,
        ...part,
      );
      for (const { id, ...row } of found) slots.set(id, row);
    }
    let listChanged = false;
    const dirty = new Set<string>();
    for (const { c, i } of group) {
      const slot = slots.get(c.id);
      if (slot && !supersedes({ version: c.v, seq: c.s }, { version: slot.v, seq: slot.s })) continue;
      let n = slot && slot.v === c.v && slot.s === c.s ? 0 : guardLength({ version: c.v, seq: c.s });
      const next: Row = { v: c.v, s: c.s, member: c.member, card: c.card };
      if ((slot?.member ?? null) !== c.member) {
        if (slot?.member) head.total--;
        if (c.member) {
          head.total++;
          n += c.member.length * 2;
        }
        listChanged = true;
      }
      if ((slot?.card ?? null) !== c.card) {
        if (c.card !== null) n += utf8Length(c.card);
        listChanged = true;
      }
      head.seq = Math.max(head.seq, c.s);
      slots.set(c.id, next);
      // An equal state changes no row: nothing written, nothing billed.
      if (n > 0 || (slot?.member ?? null) !== c.member || (slot?.card ?? null) !== c.card) dirty.add(c.id);
      bytes[i] = n;
    }
    for (const id of dirty) {
      const r = slots.get(id) as Row;
      run(
        "INSERT OR REPLACE INTO entries (list, id, v, s, member, card) VALUES (?, ?, ?, ?, ?, ?)",
        list,
        id,
        r.v,
        r.s,
        r.member,
        r.card,
      );
    }
    if (dirty.size === 0) continue;
    // Revs grow per list and across the shard's lists (main's guard is the region's newest rev).
    if (listChanged) Object.assign(head, { rev: Math.max(head.rev + 1, now), at });
    run(
      "INSERT OR REPLACE INTO lists (list, rev, seq, at, total) VALUES (?, ?, ?, ?, ?)",
      list,
      head.rev,
      head.seq,
      head.at,
      head.total,
    );
    if (listChanged) changed.push(list);
  }
  return { changed, bytes };
}

/** A list's head row and its first `n` cards (all with `n` undefined); null if never written. */
export function readList(run: Run, list: string, n?: number): ShardList | null {
  const head = run<ListRow>("SELECT rev, seq, at, total FROM lists WHERE list = ?", list)[0];
  if (!head || head.rev === 0) return null;
  const limit = n === undefined ? -1 : n;
  const cards = run<{ card: string }>(
    "SELECT card FROM entries WHERE list = ? AND member IS NOT NULL ORDER BY member LIMIT ?",
    list,
    limit,
  ).map((r) => r.card);
  return { list, ...head, cards };
}
