import { LRUCache } from "lru-cache";
import { type DeadLetter, docKey, docKindOf, type Job } from "../../contract/index.ts";
import { contentHash, unchanged } from "../content.ts";
import {
  byFirstFailure,
  type DocumentStore,
  JOBS_KEPT,
  listOperationsOf,
  metaOf,
  type NewDoc,
  newestJobFirst,
  type PutResult,
  refuseList,
  type StoredDoc,
  supersedes,
} from "../port.ts";
import { type PackedBody, packBody, packedSize, unpackBody } from "./packed-body.ts";
import { createMemoryLists } from "./shop-lists.ts";

export type MemoryStoreOptions = {
  /** Upper bound for document bytes as held (packed); least recently used documents go first. */
  maxBytes?: number;
};

/** A document as held: its body packed (see packed-body.ts), unpacked when read. */
type Held = Omit<StoredDoc, "body"> & { packed: PackedBody; hash: string };

/**
 * The embedded default and the test double proven equal to Redis and KV by the shared suite.
 * Documents live in an LRU bounded by bytes: an evicted document is a miss the edge refills from the
 * origin. Bookkeeping (memberships, checkpoints, dead letters) is never evicted.
 *
 * Sized for a national catalogue in one process: bodies are kept deflated (packed-body.ts), lists as
 * records whose shared strings are held once (memory-lists.ts).
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): DocumentStore {
  // Details held, kept as documents come and go: counting 100,000 keys on each status read held the
  // event loop 177 ms, once a second while the console was open (bench/results/status-count.txt).
  let details = 0;
  const isDetail = (key: string) => docKindOf(key) === "detail";
  const docs = new LRUCache<string, Held>({
    maxSize: options.maxBytes ?? 256 * 1024 * 1024,
    sizeCalculation: (doc) => packedSize(doc.packed) + doc.key.length * 2 + 64,
    onInsert: (_doc, key, reason) => {
      if (reason === "add" && isDetail(key)) details++;
    },
    dispose: (_doc, key, reason) => {
      if (reason !== "set" && isDetail(key)) details--;
    },
  });
  const checkpoints = new Map<string, number>();
  const catalogue = { shop: new Set<string>(), region: new Set<string>() };
  const dead = new Map<string, DeadLetter>();
  const jobs = new Map<string, Job>();
  const listeners = new Set<(key: string) => void>();
  const written = (key: string) => {
    for (const l of listeners) l(key);
  };
  const lists = createMemoryLists(written);

  const read = (key: string): StoredDoc | null => {
    if (docKindOf(key) !== "list") {
      const held = docs.get(key);
      if (!held) return null;
      const { packed, hash: _hash, ...meta } = held;
      return { ...meta, body: unpackBody(packed) };
    }
    return lists.read(key);
  };

  return {
    kind: "memory",
    async get(key) {
      return read(key);
    },
    async getMany(keys) {
      return keys.map(read);
    },
    async getMetas(keys) {
      return keys.map((key) => metaOf(docKindOf(key) === "list" ? lists.read(key) : docs.get(key)));
    },
    // Synchronous between the read and the write: atomic on a single-threaded runtime.
    async put(key, doc: NewDoc, options): Promise<PutResult> {
      refuseList(key);
      const current = docs.get(key);
      if (current && !supersedes(doc, current)) {
        return { written: false, current: { version: current.version, seq: current.seq } };
      }
      const hash = contentHash(doc.body);
      if (current && unchanged({ ...doc, hash }, current, options))
        return { written: false, unchanged: true, current: { version: current.version, seq: current.seq } };
      docs.set(key, {
        key,
        packed: packBody(doc.body),
        version: doc.version,
        seq: doc.seq,
        builtAt: doc.builtAt,
        hash,
      });
      written(key);
      return { written: true, current: { version: doc.version, seq: doc.seq } };
    },
    async delete(keys) {
      let n = 0;
      for (const key of keys) {
        const doc = docs.delete(key);
        if (lists.remove(key) || doc) n++;
        written(key);
      }
      return n;
    },
    async purgeShop(shopId) {
      const deleted = docs.delete(docKey.detail(shopId)) ? 1 : 0;
      written(docKey.detail(shopId));
      return { deleted, lists: lists.forgetShop(shopId) };
    },
    async purgeAll(options = {}) {
      const n = docs.size + lists.clear() + checkpoints.size + (options.deadLetters ? dead.size : 0);
      docs.clear();
      checkpoints.clear();
      catalogue.shop.clear();
      catalogue.region.clear();
      if (options.deadLetters) dead.clear();
      if (options.deadLetters) jobs.clear();
      return n;
    },
    async countDocuments() {
      return { ...lists.counts(), detail: details };
    },
    ...listOperationsOf(lists),
    async noteCatalogue(change) {
      for (const id of change.shops ?? []) catalogue.shop.add(id);
      for (const r of change.regions ?? []) catalogue.region.add(r);
      for (const id of change.goneShops ?? []) catalogue.shop.delete(id);
    },
    async inCatalogue(kind, names) {
      return names.map((n) => catalogue[kind].has(n));
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
