import { LRUCache } from "lru-cache";
import { type DeadLetter, docKey, type Job } from "../contract/index.ts";
import { createInterner } from "./interner.ts";
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
} from "./list-record.ts";
import { type PackedBody, packBody, packedSize, unpackBody } from "./packed-body.ts";
import {
  byFirstFailure,
  countByKind,
  type DocumentStore,
  type Guard,
  JOBS_KEPT,
  type NewDoc,
  newestJobFirst,
  type PutResult,
  refuseList,
  type StoredDoc,
  supersedes,
} from "./port.ts";

export type MemoryStoreOptions = {
  /** Upper bound for document bytes as held (packed); least recently used documents go first. */
  maxBytes?: number;
};

/** A document as held: its body packed (see packed-body.ts), unpacked when read. */
type Held = Omit<StoredDoc, "body"> & { packed: PackedBody };

/**
 * The embedded default and the test double proven equal to Redis and KV by the shared suite.
 * Documents live in an LRU bounded by bytes: an evicted document is a miss the edge refills from the
 * origin. Bookkeeping (memberships, checkpoints, dead letters) is never evicted.
 *
 * Sized for a national catalogue in one process: bodies are kept deflated, equal cards and members
 * of a shop's lists are one string (interner.ts), and so are list keys and a change's guard.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): DocumentStore {
  const docs = new LRUCache<string, Held>({
    maxSize: options.maxBytes ?? 256 * 1024 * 1024,
    sizeCalculation: (doc) => packedSize(doc.packed) + doc.key.length * 2 + 64,
  });
  // Lists are bookkeeping too: never evicted, as an evicted entry would silently shorten a list.
  const lists = new Map<string, ListRecord>();
  const strings = createInterner();
  // Each shop's memberships name its ~12 lists: one key string per list, not one per shop.
  const listKeys = new Map<string, string>();
  const listKey = (key: string) => listKeys.get(key) ?? (listKeys.set(key, key).get(key) as string);
  // Within one write the changes of a shop share one guard object: kept as one copy.
  const holding = (): Holding => {
    const copies = new Map<Guard, Guard>();
    const ownGuard = (g: Guard) => copies.get(g) ?? (copies.set(g, { ...g }).get(g) as Guard);
    return { intern: strings, ownGuard };
  };
  const dropRecord = (rec: ListRecord) => {
    for (const m of rec.members) strings.drop(m);
    for (const c of rec.cards.values()) strings.drop(c);
  };
  let rev = 0;
  const memberships = new Map<string, Memberships>();
  const checkpoints = new Map<string, number>();
  const dead = new Map<string, DeadLetter>();
  const jobs = new Map<string, Job>();
  const listeners = new Set<(key: string) => void>();
  const written = (key: string) => {
    for (const l of listeners) l(key);
  };

  const read = (key: string): StoredDoc | null => {
    if (!key.startsWith("list:")) {
      const held = docs.get(key);
      if (!held) return null;
      const { packed, ...meta } = held;
      return { ...meta, body: unpackBody(packed) };
    }
    const rec = lists.get(key);
    const body = rec ? assembleList(key, rec) : null;
    return rec && body ? { key, body, version: rec.rev, seq: rec.seq, builtAt: rec.at } : null;
  };

  return {
    kind: "memory",
    async get(key) {
      return read(key);
    },
    async getMany(keys) {
      return keys.map(read);
    },
    // Synchronous between the read and the write: atomic on a single-threaded runtime.
    async put(key, doc: NewDoc): Promise<PutResult> {
      refuseList(key);
      const current = docs.get(key);
      if (current && !supersedes(doc, current)) {
        return { written: false, current: { version: current.version, seq: current.seq } };
      }
      docs.set(key, {
        key,
        packed: packBody(doc.body),
        version: doc.version,
        seq: doc.seq,
        builtAt: doc.builtAt,
      });
      written(key);
      return { written: true, current: { version: doc.version, seq: doc.seq } };
    },
    async delete(keys) {
      let n = 0;
      for (const key of keys) {
        const list = lists.get(key);
        if (list) dropRecord(list);
        if (docs.delete(key) || (list && lists.delete(key) && list.rev > 0)) n++;
        written(key);
      }
      return n;
    },
    async purgeShop(shopId) {
      const was = [...(memberships.get(shopId)?.keys() ?? [])].sort();
      const deleted = docs.delete(docKey.detail(shopId)) ? 1 : 0;
      written(docKey.detail(shopId));
      memberships.delete(shopId);
      return { deleted, lists: was };
    },
    async purgeAll(options = {}) {
      const n =
        docs.size + lists.size + memberships.size + checkpoints.size + (options.deadLetters ? dead.size : 0);
      docs.clear();
      lists.clear();
      memberships.clear();
      checkpoints.clear();
      strings.clear();
      listKeys.clear();
      if (options.deadLetters) dead.clear();
      if (options.deadLetters) jobs.clear();
      return n;
    },
    async countDocuments() {
      return countByKind([...docs.keys(), ...[...lists].filter(([, l]) => l.rev > 0).map(([k]) => k)]);
    },
    async applyLists(changes, builtAt) {
      const bytes = changes.map(() => 0);
      const changed: string[] = [];
      const held = holding();
      for (const [key, group] of byList(changes)) {
        const rec = lists.get(key) ?? emptyRecord();
        lists.set(listKey(key), rec);
        const applied = applyToRecord(
          rec,
          group.map((g) => g.change),
          () => ++rev,
          builtAt,
          held,
        );
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
      const rec = lists.get(key) ?? emptyRecord();
      if (rec.rev > 0) return false;
      lists.set(listKey(key), rec);
      const changes = entries.map(({ id, guard, member, card }) => ({
        list: key,
        id,
        guard,
        entry: { member, card },
      }));
      applyToRecord(rec, changes, () => ++rev, builtAt, holding());
      if (rec.rev === 0) Object.assign(rec, { rev: ++rev, at: builtAt }); // an empty list is a list too
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
      return [...(lists.get(key)?.guards.keys() ?? [])].sort();
    },
    async getMemberships(shopId) {
      return [...(memberships.get(shopId)?.keys() ?? [])].sort();
    },
    async registerLists(shopId, guard, keys) {
      const rec = memberships.get(shopId) ?? new Map();
      memberships.set(shopId, rec);
      return registerIn(rec, guard, keys.map(listKey));
    },
    async releaseLists(shopId, guard, keys) {
      const rec = memberships.get(shopId);
      if (!rec) return;
      releaseFrom(rec, guard, keys);
      if (rec.size === 0) memberships.delete(shopId);
    },
    async getCheckpoint(name) {
      return checkpoints.get(name) ?? null;
    },
    async setCheckpoint(name, value) {
      checkpoints.set(name, value);
    },
    async putJob(job) {
      jobs.set(job.id, structuredClone(job));
      for (const old of [...jobs.values()].sort(newestJobFirst).slice(JOBS_KEPT)) jobs.delete(old.id);
    },
    async getJob(id) {
      const job = jobs.get(id);
      return job ? structuredClone(job) : null;
    },
    async listJobs(limit = 20) {
      return [...jobs.values()]
        .sort(newestJobFirst)
        .slice(0, limit)
        .map((j) => structuredClone(j));
    },
    async putDeadLetter(entry) {
      dead.set(entry.id, structuredClone(entry));
    },
    async listDeadLetters(limit = 100) {
      return [...dead.values()]
        .sort(byFirstFailure)
        .slice(0, limit)
        .map((e) => structuredClone(e));
    },
    async deleteDeadLetters(ids) {
      let n = 0;
      for (const id of ids) if (dead.delete(id)) n++;
      return n;
    },
    async countDeadLetters() {
      return dead.size;
    },
    async onWrite(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {},
  };
}
