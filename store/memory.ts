import { LRUCache } from "lru-cache";
import { type DeadLetter, docKey, type Job } from "../contract/index.ts";
import {
  byFirstFailure,
  countByKind,
  type DocumentStore,
  JOBS_KEPT,
  type NewDoc,
  newestJobFirst,
  type PutResult,
  type StoredDoc,
  supersedes,
} from "./port.ts";

export type MemoryStoreOptions = {
  /** Upper bound for document bytes (UTF-16 estimate); least recently used documents go first. */
  maxBytes?: number;
};

/**
 * The embedded default and the test double proven equal to Redis and KV by the shared suite.
 * Documents live in an LRU bounded by bytes: an evicted document is a miss the edge refills from the
 * origin. Bookkeeping (memberships, checkpoints, dead letters) is never evicted.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): DocumentStore {
  const docs = new LRUCache<string, StoredDoc>({
    maxSize: options.maxBytes ?? 256 * 1024 * 1024,
    sizeCalculation: (doc) => doc.body.length * 2 + doc.key.length * 2 + 64,
  });
  const memberships = new Map<string, string[]>();
  const checkpoints = new Map<string, number>();
  const dead = new Map<string, DeadLetter>();
  const jobs = new Map<string, Job>();
  const listeners = new Set<(key: string) => void>();
  const written = (key: string) => {
    for (const l of listeners) l(key);
  };

  return {
    kind: "memory",
    async get(key) {
      return docs.get(key) ?? null;
    },
    async getMany(keys) {
      return keys.map((key) => docs.get(key) ?? null);
    },
    // Synchronous between the read and the write: atomic on a single-threaded runtime.
    async put(key, doc: NewDoc): Promise<PutResult> {
      const current = docs.get(key);
      if (current && !supersedes(doc, current)) {
        return { written: false, current: { version: current.version, seq: current.seq } };
      }
      docs.set(key, { key, body: doc.body, version: doc.version, seq: doc.seq, builtAt: doc.builtAt });
      written(key);
      return { written: true, current: { version: doc.version, seq: doc.seq } };
    },
    async delete(keys) {
      let n = 0;
      for (const key of keys) {
        if (docs.delete(key)) n++;
        written(key);
      }
      return n;
    },
    async purgeShop(shopId) {
      const lists = memberships.get(shopId) ?? [];
      const deleted = docs.delete(docKey.detail(shopId)) ? 1 : 0;
      written(docKey.detail(shopId));
      memberships.delete(shopId);
      return { deleted, lists };
    },
    async purgeAll(options = {}) {
      const n = docs.size + memberships.size + checkpoints.size + (options.deadLetters ? dead.size : 0);
      docs.clear();
      memberships.clear();
      checkpoints.clear();
      if (options.deadLetters) dead.clear();
      if (options.deadLetters) jobs.clear();
      return n;
    },
    async countDocuments() {
      return countByKind(docs.keys());
    },
    async getMemberships(shopId) {
      return [...(memberships.get(shopId) ?? [])];
    },
    async setMemberships(shopId, listKeys) {
      if (listKeys.length === 0) memberships.delete(shopId);
      else memberships.set(shopId, [...listKeys].sort());
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
