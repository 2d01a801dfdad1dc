import { guardLength } from "../list-record.ts";
import { type Guard, supersedes } from "../port.ts";
import { utf8Length } from "../utf8.ts";
import type { ShardAnswer, ShardChange, ShardList } from "./shard-protocol.ts";

/**
 * A region's lists in its Durable Object's SQLite, laid out for what Cloudflare bills — rows written
 * cost a thousand times rows read:
 * - `entries`: a row per (list, shop) the shop was ever in; while listed, its member (serving order:
 *   contract/list-order.ts) and card, indexed by member (`serving`) so main's heads read ten rows a
 *   list, not the list. A card change updates the row alone; only a rank change moves the index
 *   (SQLite's BINARY collation compares UTF-8 bytes, the order members are built for).
 * - `guards`: a row per shop, the newest state (version, seq) any of its lists here was written from.
 *   A rebuild writes all of a shop's lists from one state, so one guard per shop and region refuses
 *   what an older state would write to any of them: a state-only change (nothing on the card) is one
 *   row, not one per list.
 * - `head`: one row, every list's rev, seq, build time and total: one row per batch, not per list.
 * Same guard rules and byte counts as the memory and Redis adapters (list-record.ts), one transaction.
 */
export const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS entries (list TEXT NOT NULL, id TEXT NOT NULL, member TEXT, card TEXT, PRIMARY KEY (list, id)) WITHOUT ROWID",
  "CREATE INDEX IF NOT EXISTS serving ON entries (list, member) WHERE member IS NOT NULL",
  "CREATE TABLE IF NOT EXISTS guards (id TEXT PRIMARY KEY, v INTEGER NOT NULL, s INTEGER NOT NULL) WITHOUT ROWID",
  "CREATE TABLE IF NOT EXISTS head (k INTEGER PRIMARY KEY CHECK (k = 0), lists TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS memberships (shop TEXT PRIMARY KEY, lists TEXT NOT NULL) WITHOUT ROWID",
];

export type Rows = Pick<ShardAnswer, "rowsRead" | "rowsWritten">;
type Run = ReturnType<typeof sqlRunner>;
type Entry = { member: string | null; card: string | null };
/** A list's head: rev (0: only guards were ever written), seq, build time, total. */
export type Head = [rev: number, seq: number, at: string, total: number];

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

export function readHeads(run: Run): Map<string, Head> {
  const [row] = run<{ lists: string }>("SELECT lists FROM head WHERE k = 0");
  return new Map(Object.entries(row ? (JSON.parse(row.lists) as Record<string, Head>) : {}));
}
export const writeHeads = (run: Run, heads: Map<string, Head>) =>
  run("INSERT OR REPLACE INTO head (k, lists) VALUES (0, ?)", JSON.stringify(Object.fromEntries(heads)));

/** Rows of `table` whose `key` is one of `values`, in statements within SQLite's 100 bindings. */
export function rowsIn<T extends Record<string, SqlStorageValue>>(
  run: Run,
  select: string,
  values: readonly string[],
  ...before: unknown[]
): T[] {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += 90) {
    const part = values.slice(i, i + 90);
    out.push(...run<T>(`${select} IN (${part.map(() => "?").join(",")})`, ...before, ...part));
  }
  return out;
}

/** Applies changes to any lists of the shard; answers the lists that changed and bytes per change. */
export function applyChanges(run: Run, changes: readonly ShardChange[], at: string, now: number) {
  const bytes = changes.map(() => 0);
  const ids = [...new Set(changes.map((c) => c.id))];
  const guards = new Map<string, Guard>(
    rowsIn<{ id: string; v: number; s: number }>(run, "SELECT id, v, s FROM guards WHERE id", ids).map(
      (g) => [g.id, { version: g.v, seq: g.s }],
    ),
  );
  const lists = [...new Set(changes.map((c) => c.list))];
  const entries = new Map<string, Entry>();
  for (const list of lists)
    for (const e of rowsIn<Entry & { id: string }>(
      run,
      "SELECT id, member, card FROM entries WHERE list = ? AND id",
      ids,
      list,
    ))
      entries.set(`${list}\n${e.id}`, { member: e.member, card: e.card });

  const heads = readHeads(run);
  const dirtyGuards = new Set<string>();
  const dirtyEntries = new Map<string, ShardChange>();
  const was0 = new Map<string, Entry | undefined>(); // each dirty entry as it was before the call
  const changed = new Set<string>();
  changes.forEach((c, i) => {
    const guard = { version: c.v, seq: c.s };
    const held = guards.get(c.id);
    if (held && !supersedes(guard, held)) return;
    let n = 0;
    if (!held || held.version !== c.v || held.seq !== c.s) {
      n += guardLength(guard);
      guards.set(c.id, guard);
      dirtyGuards.add(c.id);
    }
    const key = `${c.list}\n${c.id}`;
    const was = entries.get(key);
    const head: Head = heads.get(c.list) ?? [0, 0, "", 0];
    if (!was) dirtyEntries.set(key, c); // a guard in a list the shop was never in: remembered (ids)
    if ((was?.member ?? null) !== c.member) {
      if (was?.member) head[3]--;
      if (c.member) {
        head[3]++;
        n += c.member.length * 2;
      }
      changed.add(c.list);
    }
    if ((was?.card ?? null) !== c.card) {
      if (c.card !== null) n += utf8Length(c.card);
      changed.add(c.list);
    }
    if (changed.has(c.list)) {
      head[1] = Math.max(head[1], c.s);
      heads.set(c.list, head);
    }
    if (!was0.has(key)) was0.set(key, was);
    if (was?.member !== c.member || was?.card !== c.card) dirtyEntries.set(key, c);
    entries.set(key, { member: c.member, card: c.card });
    bytes[i] = n;
  });

  for (const id of dirtyGuards) {
    const g = guards.get(id) as Guard;
    run("INSERT OR REPLACE INTO guards (id, v, s) VALUES (?, ?, ?)", id, g.version, g.seq);
  }
  for (const [key, c] of dirtyEntries) {
    const e = entries.get(key) as Entry;
    const before = was0.get(key);
    // An UPDATE that does not assign `member` leaves the index alone: a card change is one row.
    if (!before)
      run("INSERT INTO entries (list, id, member, card) VALUES (?, ?, ?, ?)", c.list, c.id, e.member, e.card);
    else if (before.member === e.member)
      run("UPDATE entries SET card = ? WHERE list = ? AND id = ?", e.card, c.list, c.id);
    else
      run(
        "UPDATE entries SET member = ?, card = ? WHERE list = ? AND id = ?",
        e.member,
        e.card,
        c.list,
        c.id,
      );
  }
  if (changed.size > 0) {
    // Revs grow per list and across the region's lists (main's guard is the region's newest rev).
    const rev = Math.max(now, 1 + Math.max(0, ...[...heads.values()].map((h) => h[0])));
    for (const list of changed) Object.assign(heads.get(list) as Head, { 0: rev, 2: at });
    writeHeads(run, heads);
  }
  return { changed: [...changed], bytes };
}

/** A list's head and its first `n` cards (all with `n` undefined); null if never written. */
export function readList(run: Run, heads: Map<string, Head>, list: string, n?: number): ShardList | null {
  const head = heads.get(list);
  if (!head || head[0] === 0) return null;
  const cards = run<{ card: string }>(
    "SELECT card FROM entries WHERE list = ? AND member IS NOT NULL ORDER BY member LIMIT ?",
    list,
    n ?? -1,
  ).map((r) => r.card);
  const [rev, seq, at, total] = head;
  return { list, rev, seq, at, total, cards };
}
