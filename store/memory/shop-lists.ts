import { listRegion } from "../../contract/index.ts";
import { createInterner } from "../interner.ts";
import {
  applyToRecord,
  assembleList,
  byList,
  emptyRecord,
  type Holding,
  headOf,
  type ListRecord,
  type Memberships,
  registerIn,
  releaseFrom,
} from "../list-record.ts";
import type { Guard, ListOperations, StoredDoc } from "../port.ts";

/** The memory store's list half, and what the document half needs of it. */
export type MemoryLists = ListOperations & {
  read(key: string): StoredDoc | null;
  /** True where a written list was removed. */
  remove(key: string): boolean;
  /** Forgets a shop's memberships; answers the lists it had. */
  forgetShop(shopId: string): string[];
  /** Forgets everything; answers how many lists and memberships there were. */
  clear(): number;
  /** Lists ever written, and the regions they are in (one main each). */
  counts(): { list: number; main: number };
};

/**
 * Lists as records (list-record.ts), sized for a national catalogue: a shop's equal cards and
 * members in its ~12 lists are one refcounted string (interner.ts), each list key one string however
 * many memberships name it, and a write's guard one copy for all the shop's lists. Lists are
 * bookkeeping: never evicted, as an evicted entry would silently shorten a list.
 */
export function createMemoryLists(written: (key: string) => void): MemoryLists {
  const lists = new Map<string, ListRecord>();
  const memberships = new Map<string, Memberships>();
  const strings = createInterner();
  const keys = new Map<string, string>();
  const listKey = (key: string) => keys.get(key) ?? (keys.set(key, key).get(key) as string);
  const holding = (): Holding => {
    const copies = new Map<Guard, Guard>();
    const ownGuard = (g: Guard) => copies.get(g) ?? (copies.set(g, { ...g }).get(g) as Guard);
    return { intern: strings, ownGuard };
  };
  const recordOf = (key: string) => {
    const rec = lists.get(key) ?? emptyRecord();
    lists.set(listKey(key), rec);
    return rec;
  };
  let rev = 0;
  // Written lists per region, kept as lists are first written and removed: a status read (the
  // console asks once a second) must not walk every list of a national catalogue.
  const regions = new Map<string, number>();
  let writtenLists = 0;
  const counted = (key: string, by: 1 | -1) => {
    const region = listRegion(key);
    const n = (regions.get(region) ?? 0) + by;
    if (n > 0) regions.set(region, n);
    else regions.delete(region);
    writtenLists += by;
  };
  const firstWrite = (key: string, before: number, rec: ListRecord) => {
    if (before === 0 && rec.rev > 0) counted(key, 1);
  };

  return {
    read(key) {
      const rec = lists.get(key);
      const body = rec ? assembleList(key, rec) : null;
      return rec && body ? { key, body, version: rec.rev, seq: rec.seq, builtAt: rec.at } : null;
    },
    remove(key) {
      const rec = lists.get(key);
      if (!rec) return false;
      for (const { member, card } of rec.slots.values()) {
        if (member !== undefined) strings.drop(member);
        if (card !== undefined) strings.drop(card);
      }
      lists.delete(key);
      if (rec.rev > 0) counted(key, -1);
      return rec.rev > 0;
    },
    forgetShop(shopId) {
      const was = [...(memberships.get(shopId)?.keys() ?? [])].sort();
      memberships.delete(shopId);
      return was;
    },
    clear() {
      const n = lists.size + memberships.size;
      for (const map of [lists, memberships, keys, regions]) map.clear();
      writtenLists = 0;
      strings.clear();
      return n;
    },
    counts: () => ({ list: writtenLists, main: regions.size }),
    async applyLists(changes, builtAt) {
      const bytes = changes.map(() => 0);
      const changed: string[] = [];
      const held = holding();
      for (const [key, group] of byList(changes)) {
        const rec = recordOf(key);
        const before = rec.rev;
        const applied = applyToRecord(
          rec,
          group.map((g) => g.change),
          () => ++rev,
          builtAt,
          held,
        );
        firstWrite(key, before, rec);
        group.forEach((g, i) => {
          bytes[g.at] = applied.bytes[i] as number;
        });
        if (applied.changed) {
          changed.push(key);
          written(key);
        }
      }
      return { changed, bytes };
    },
    async seedList(key, entries, builtAt) {
      if ((lists.get(key)?.rev ?? 0) > 0) return false;
      const rec = recordOf(key);
      const before = rec.rev;
      const changes = entries.map(({ id, guard, member, card }) => ({
        list: key,
        id,
        guard,
        entry: { member, card },
      }));
      applyToRecord(rec, changes, () => ++rev, builtAt, holding());
      if (rec.rev === 0) Object.assign(rec, { rev: ++rev, at: builtAt }); // an empty list is a list too
      firstWrite(key, before, rec);
      for (const e of entries) {
        const m = memberships.get(e.id) ?? new Map();
        memberships.set(e.id, m);
        registerIn(m, e.guard, [listKey(key)]);
      }
      written(key);
      return true;
    },
    async listHeads(keys, n) {
      return keys.map((key) => headOf(key, lists.get(key), n));
    },
    async listShopIds(key) {
      return [...(lists.get(key)?.slots.keys() ?? [])].sort();
    },
    async getMemberships(shopId) {
      return [...(memberships.get(shopId)?.keys() ?? [])].sort();
    },
    async registerLists(shopId, guard, wanted) {
      const rec = memberships.get(shopId) ?? new Map();
      memberships.set(shopId, rec);
      return registerIn(rec, guard, wanted.map(listKey));
    },
    async releaseLists(shopId, guard, left) {
      const rec = memberships.get(shopId);
      if (!rec) return;
      releaseFrom(rec, guard, left);
      if (rec.size === 0) memberships.delete(shopId);
    },
  };
}
