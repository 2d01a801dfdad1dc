import { type DeadLetter, type DocMeta, docKindOf, type Job, listRegion } from "../contract/index.ts";
import type { PutOptions } from "./content.ts";

export type { DeadLetter, DocMeta } from "../contract/index.ts";

/** A stored document: its serialized body, byte for byte as written, and its guard metadata. */
export type StoredDoc = DocMeta & { key: string; body: string };
export type NewDoc = DocMeta & { body: string };
export type DocCounts = { detail: number; list: number; main: number };
/**
 * `written` false: the guard refused (a newer document is stored), or — `unchanged` — the stored
 * document has the same version and public content (store/content.ts).
 */
export type PutResult = { written: boolean; unchanged?: boolean; current: { version: number; seq: number } };

/** The (version, seq) of the shop state a list change was built from: each entry's own guard. */
export type Guard = { version: number; seq: number };
/**
 * One shop's entry in one list: upserted (its member — `listMember` of contract/list-order.ts — and
 * its card, the public ListEntry JSON) or removed (null). Applied only when `guard` supersedes the
 * guard the list holds for that shop, so any order of two workers' changes ends the same.
 */
export type ListChange = {
  list: string;
  id: string;
  guard: Guard;
  entry: { member: string; card: string } | null;
};
/** One shop's entry of a list written whole by `seedList`. */
export type SeedEntry = { id: string; guard: Guard; member: string; card: string };
/** Lists that changed, and bytes written per change (0 where nothing differed or the guard refused). */
export type ListApplied = { changed: string[]; bytes: number[] };
/** The first entries of a list and its size: what main needs, without reading the list. */
export type ListHead = { key: string; total: number; rev: number; seq: number; at: string; cards: string[] };

export type CatalogueKind = "shop" | "region";
export type CatalogueChange = {
  shops?: readonly string[];
  regions?: readonly string[];
  /** Shops the origin answered 404 for: removed for good. */
  goneShops?: readonly string[];
};
/** Set (to the time, ms) once every shop the origin enumerates is in the catalogue. */
export const CATALOGUE_CHECKPOINT = "catalogue";

/**
 * What is served: documents, lists, memberships, the catalogue and write notifications — all an
 * edge reads, and what the sync-worker writes. Adapters are plain: they store, fetch and guard, and
 * hold no freshness, grace or stale policy — that lives above them, in the sync-worker and the edge.
 *
 * Keys are document keys from `contract/keys.ts`; each adapter adds its deployment prefix.
 */
export interface ServedStore {
  readonly kind: "memory" | "redis" | "kv";
  get(key: string): Promise<StoredDoc | null>;
  /** One round trip; answers in the order asked, null where missing. */
  getMany(keys: readonly string[]): Promise<(StoredDoc | null)[]>;
  /**
   * Documents' versions without their bodies, in the order asked, null where missing: catch-up's
   * "is this change already reflected?" for thousands of details, which on memory would otherwise
   * inflate each body and on Redis move each over the wire. Optional: see `metasOf`.
   */
  getMetas?(keys: readonly string[]): Promise<(DocMeta | null)[]>;
  /**
   * Writes unless the stored document is newer (see `supersedes`) or the same in everything a reader
   * sees (store/content.ts). Atomic on memory and Redis; on Workers KV it relies on one writer per
   * key (see kv/kv-store.ts).
   */
  put(key: string, doc: NewDoc, options?: PutOptions): Promise<PutResult>;
  delete(keys: readonly string[]): Promise<number>;
  /** Removes a shop's detail and its list bookkeeping; answers the lists it was in, for a rebuild. */
  purgeShop(shopId: string): Promise<{ deleted: number; lists: string[] }>;
  /**
   * Everything under this deployment's prefix: documents and bookkeeping (so a catch-up starts from
   * the beginning of the change feed). Dead letters and resync jobs stay unless `deadLetters` is true.
   */
  purgeAll(options?: { deadLetters?: boolean }): Promise<number>;
  /** Documents held, by kind (for status; a scan on Redis and KV, so not for hot paths). */
  countDocuments(): Promise<DocCounts>;

  /**
   * Lists are kept entry by entry, not as whole documents: `get` of a `list:` key assembles the
   * document (one consistent version) from the stored entries, `put` refuses list keys, and a change
   * writes only the entries that differ. Atomic per list on memory and Redis (one script); on KV one
   * writer per list (see kv/kv-store.ts).
   */
  applyLists(changes: readonly ListChange[], builtAt: string): Promise<ListApplied>;
  /**
   * Writes a whole list only where none was ever written — an edge filling the store from the
   * origin on a miss — and records each shop's membership, so the sync-worker's later changes reach
   * the list. False where the list exists, or where the store cannot do it in one step (KV: there
   * the queue consumer is the one writer of lists).
   */
  seedList(key: string, entries: readonly SeedEntry[], builtAt: string): Promise<boolean>;
  /** The first `n` cards of each list (in serving order) and its total: main is made of these. */
  listHeads(keys: readonly string[], n: number): Promise<ListHead[]>;
  /**
   * Every shop the list has a guard for: those in it, and those that left it while they exist
   * (paused, closed; moved or deleted ones too — their details tell). Search reads a region by it.
   */
  listShopIds(key: string): Promise<string[]>;

  /** Lists a shop may have an entry in (so a move or delete can leave them). */
  getMemberships(shopId: string): Promise<string[]>;
  /** Adds lists (kept with the newest guard that wanted them); answers every list now recorded. */
  registerLists(shopId: string, guard: Guard, lists: readonly string[]): Promise<string[]>;
  /** Forgets lists the shop has left, unless a newer guard registered them since. */
  releaseLists(shopId: string, guard: Guard, lists: readonly string[]): Promise<void>;
  /**
   * The catalogue: which shop ids and regions the origin has, noted by the sync-worker as it builds
   * (a shop's id and its regions with each rebuild; a shop the origin no longer knows leaves it). An
   * edge answers 404 for the rest without asking the origin once `CATALOGUE_CHECKPOINT` says it is
   * complete. Kept under the deployment's prefix with the documents: `purgeAll` clears it, a shop's
   * purge keeps it (the shop still exists; the next read refills it).
   */
  noteCatalogue(change: CatalogueChange): Promise<void>;
  /** Whether each name is in the catalogue, in the order asked. */
  inCatalogue(kind: CatalogueKind, names: readonly string[]): Promise<boolean[]>;

  /**
   * Where the store can tell: calls `listener` with each document key written or deleted, by any
   * writer (memory: in process; Redis over TCP: pub/sub). Edges expire those keys in their L1, so a
   * change is visible at once instead of after the L1 TTL. Absent on KV and Upstash REST.
   */
  onWrite?(listener: (key: string) => void): Promise<() => void>;

  /**
   * Billed operations so far, by kind, where the backend bills per operation: what
   * `store_operations_total` exports (usage.ts): KV's binding, Redis's and Upstash's commands.
   */
  usage?(): Record<string, number>;

  close(): Promise<void>;
}

/**
 * The sync-worker's operational records, kept beside the documents under the same prefix:
 * checkpoints (catch-up's place in the change feed, the catalogue's completeness), dead letters,
 * resync jobs.
 */
export interface RecordStore {
  getCheckpoint(name: string): Promise<number | null>;
  setCheckpoint(name: string, value: number): Promise<void>;

  putDeadLetter(entry: DeadLetter): Promise<void>;
  listDeadLetters(limit?: number): Promise<DeadLetter[]>;
  deleteDeadLetters(ids: readonly string[]): Promise<number>;
  countDeadLetters(): Promise<number>;

  /**
   * Resync jobs, so any sync-worker on the store can answer for a job another one runs. The newest
   * 100 (Redis, memory) or 7 days (KV) are kept.
   */
  putJob(job: Job): Promise<void>;
  getJob(id: string): Promise<Job | null>;
  /** Newest first. */
  listJobs(limit?: number): Promise<Job[]>;
}

/** A driver's whole store: both ports over one connection and prefix. */
export interface DocumentStore extends ServedStore, RecordStore {}

/** What an edge uses: the served store, and the checkpoint that says the catalogue is complete. */
export type EdgeStore = ServedStore & Pick<RecordStore, "getCheckpoint">;

/**
 * The version guard, shared by every adapter: a document replaces the stored one unless it is
 * older — a lower version, or the same version read at an earlier seq. An equal (version, seq)
 * replaces, so a rebuild of the same state (an ad going live on the clock) is written.
 */
export function supersedes(
  next: { version: number; seq: number },
  current: { version: number; seq: number },
): boolean {
  return next.version > current.version || (next.version === current.version && next.seq >= current.seq);
}

/** Dead letters list oldest failure first, so an operator replays in the order things broke. */
export const newestJobFirst = (a: Job, b: Job): number => (a.startedAt < b.startedAt ? 1 : -1);
export const JOBS_KEPT = 100;

export const byFirstFailure = (a: DeadLetter, b: DeadLetter): number =>
  a.firstFailedAt < b.firstFailedAt ? -1 : a.firstFailedAt > b.firstFailedAt ? 1 : a.id < b.id ? -1 : 1;

/**
 * Counts document keys (`detail:…`, `list:…`) by kind. Mains are made from their region's lists when
 * read (edge/main-from-store.ts), so a region with a list counts as one main.
 */
export function countByKind(keys: Iterable<string>): DocCounts {
  const counts: DocCounts = { detail: 0, list: 0, main: 0 };
  const regions = new Set<string>();
  for (const key of keys) {
    const kind = docKindOf(key);
    if (kind === "detail" || kind === "list") counts[kind]++;
    if (kind === "list") regions.add(listRegion(key));
  }
  counts.main = regions.size;
  return counts;
}

/** Lists are written entry by entry (applyLists); a whole-list put would undo that. */
export function refuseList(key: string): void {
  if (docKindOf(key) === "list") throw new Error(`${key}: lists are written with applyLists, not put`);
}

/** The list half of the port, which each adapter implements in a file of its own. */
export type ListOperations = Pick<
  DocumentStore,
  | "applyLists"
  | "seedList"
  | "listHeads"
  | "listShopIds"
  | "getMemberships"
  | "registerLists"
  | "releaseLists"
>;

/** The list half of an adapter's store, as the store answers it (its other helpers left out). */
export const listOperationsOf = (ops: ListOperations): ListOperations => ({
  applyLists: ops.applyLists,
  seedList: ops.seedList,
  listHeads: ops.listHeads,
  listShopIds: ops.listShopIds,
  getMemberships: ops.getMemberships,
  registerLists: ops.registerLists,
  releaseLists: ops.releaseLists,
});

/** A document's metadata alone (null stays null). */
export const metaOf = (d: DocMeta | null | undefined): DocMeta | null =>
  d ? { version: d.version, seq: d.seq, builtAt: d.builtAt } : null;

/** `getMetas` where the adapter has it, else the metadata of `getMany` (KV: a value read each). */
export async function metasOf(store: ServedStore, keys: readonly string[]): Promise<(DocMeta | null)[]> {
  if (store.getMetas) return store.getMetas(keys);
  return (await store.getMany(keys)).map(metaOf);
}
