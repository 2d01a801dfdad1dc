import { z } from "zod";
import { DeadLetter, DocMeta, docKey, docKindOf, Job } from "../../contract/index.ts";
import { contentHash, unchanged } from "../content.ts";
import {
  byFirstFailure,
  type CatalogueKind,
  type DocumentStore,
  JOBS_KEPT,
  type NewDoc,
  newestJobFirst,
  type PutResult,
  refuseList,
  type StoredDoc,
  supersedes,
} from "../port.ts";
import { BULK, kvLister } from "./key-listing.ts";
import { type Clock, keyPacer, systemClock } from "./paced.ts";
import { shardLists } from "./shard-lists.ts";

/**
 * Workers KV adapter: details are KV values (the body, with {version, seq, builtAt} as metadata);
 * lists and memberships live in list shards, Durable Objects with SQLite (list-shard.ts), where a
 * change writes rows, not whole lists (docs/decisions/012-lists-in-durable-objects.md).
 *
 * How the version guard holds without compare-and-set: KV has none. The guard here is a
 * read-then-write, safe because writes to a key run one at a time in a process (paced.ts) and the
 * sync-worker's queue consumer runs one batch at a time (max_concurrency = 1). KV reads are
 * eventually consistent (up to ~60 s across locations): a stale read can only let a document built
 * from *fresh* origin state through, never an older one, because the consumer always builds from a
 * state fetch made after the event. Miniflare's local KV is immediately consistent and hides all of
 * this (docs/deployment.md).
 */
/** A document's metadata on KV: its guard, build time, public-content hash and write time. */
const KvMeta = DocMeta.extend({ h: z.string().optional(), w: z.number().optional() });

export type KvStoreOptions = {
  prefix: string;
  /** The list shards' namespace (the `LISTS` binding). */
  lists: DurableObjectNamespace;
  clock?: Clock;
};

export function createKvStore(
  kv: KVNamespace,
  options: KvStoreOptions,
): DocumentStore & { usage(): Record<string, number> } {
  const p = options.prefix.endsWith(":") ? options.prefix : `${options.prefix}:`;
  const clock = options.clock ?? systemClock;
  const doc = (key: string) => `${p}d:${key}`;
  const dead = (id: string) => `${p}q:${id}`;
  const job = (id: string) => `${p}j:${id}`;
  const paced = keyPacer(clock);
  const put = (name: string, value: string, o?: KVNamespacePutOptions) =>
    paced(name, async (spaced) => {
      await spaced();
      await kv.put(name, value, o);
    });
  const del = (name: string) =>
    paced(name, async (spaced) => {
      await spaced();
      await kv.delete(name);
    });

  const toDoc = (key: string, value: string | null, metadata: unknown): StoredDoc | null =>
    value === null ? null : { key, body: value, ...DocMeta.parse(metadata) };

  // The catalogue: a marker key per shop and per region (KV has no sets).
  const cat = (kind: CatalogueKind, name: string) => `${p}c:${kind === "shop" ? "s" : "r"}:${name}`;
  const { listAll, deleteAll, valuesUnder, present } = kvLister(kv, del);
  // Region shards written, one marker each, so purge and count can find them; read once a process.
  const shardMarker = (region: string) => `${p}ls:${region}`;
  const noted = new Set<string>();
  const lists = shardLists(options.lists, p, {
    async note(region) {
      if (noted.has(region)) return;
      if (!(await present([shardMarker(region)]))[0]) await put(shardMarker(region), "1");
      noted.add(region);
    },
    regions: async () => (await listAll(`${p}ls:`)).map((n) => n.slice(`${p}ls:`.length)),
  });
  const isList = (key: string) => docKindOf(key) === "list";

  return {
    kind: "kv",
    async get(key) {
      return (await this.getMany([key]))[0] ?? null;
    },
    async getMany(keys) {
      const out: (StoredDoc | null)[] = keys.map(() => null);
      const listAt = keys.flatMap((k, i) => (isList(k) ? [i] : []));
      const listed = await lists.readLists(listAt.map((i) => keys[i] as string));
      listAt.forEach((i, j) => {
        out[i] = listed[j] ?? null;
      });
      const details = keys.flatMap((k, i) => (isList(k) ? [] : [i]));
      for (let i = 0; i < details.length; i += BULK) {
        const chunk = details.slice(i, i + BULK);
        const found = await kv.getWithMetadata(
          chunk.map((at) => doc(keys[at] as string)),
          "text",
        );
        for (const at of chunk) {
          const hit = found.get(doc(keys[at] as string));
          out[at] = hit ? toDoc(keys[at] as string, hit.value, hit.metadata) : null;
        }
      }
      return out;
    },
    put(key, d: NewDoc, options): Promise<PutResult> {
      refuseList(key);
      return paced(doc(key), async (spaced) => {
        // Only the metadata is needed, but a stream cancelled unread breaks Miniflare's proxy under
        // load; the value is read as text (one read per coalesced write, not per request).
        const current = await kv.getWithMetadata(doc(key), "text");
        const h = contentHash(d.body);
        const meta = current.metadata ? KvMeta.parse(current.metadata) : undefined;
        if (meta) {
          const at = { version: meta.version, seq: meta.seq };
          if (!supersedes(d, meta)) return { written: false, current: at };
          // A skipped write is a KV write (and the key's one write a second) not spent.
          if (unchanged({ ...d, hash: h }, { ...meta, hash: meta.h }, options))
            return { written: false, unchanged: true, current: at };
        }
        await spaced(meta?.w);
        const metadata = { version: d.version, seq: d.seq, builtAt: d.builtAt, h, w: clock.now() };
        await kv.put(doc(key), d.body, { metadata: metadata satisfies z.infer<typeof KvMeta> });
        return { written: true, current: { version: d.version, seq: d.seq } };
      });
    },
    async delete(keys) {
      const details = keys.filter((k) => !isList(k));
      const existing = (await present(details.map(doc))).filter(Boolean).length;
      await Promise.all(details.map((k) => del(doc(k))));
      return existing + (await lists.dropLists(keys.filter(isList)));
    },
    async purgeShop(shopId) {
      const was = await lists.forgetShop(shopId);
      const deleted = await this.delete([docKey.detail(shopId)]);
      return { deleted, lists: was };
    },
    async purgeAll(options = {}) {
      const shards = await lists.purge();
      const names = await listAll(p);
      const kept = (n: string) => !options.deadLetters && (n.startsWith(`${p}q:`) || n.startsWith(`${p}j:`));
      noted.clear();
      return shards + (await deleteAll(names.filter((n) => !kept(n))));
    },
    async countDocuments() {
      const detail = (await listAll(`${p}d:`)).filter(
        (n) => docKindOf(n.slice(`${p}d:`.length)) === "detail",
      );
      return { detail: detail.length, ...(await lists.counts()) };
    },
    applyLists: lists.applyLists,
    seedList: lists.seedList,
    listHeads: lists.listHeads,
    listShopIds: lists.listShopIds,
    getMemberships: lists.getMemberships,
    registerLists: lists.registerLists,
    releaseLists: lists.releaseLists,
    async noteCatalogue({ shops = [], regions = [], goneShops = [] }) {
      // Read before writing: every rebuild notes its shop again, and a KV read costs a tenth of a
      // write (https://developers.cloudflare.com/kv/platform/pricing/).
      const names = [...shops.map((id) => cat("shop", id)), ...regions.map((r) => cat("region", r))];
      const there = await present(names);
      await Promise.all(names.filter((_, i) => !there[i]).map((n) => put(n, "1")));
      await Promise.all(goneShops.map((id) => del(cat("shop", id))));
    },
    async inCatalogue(kind, names) {
      return present(names.map((n) => cat(kind, n)));
    },
    async getCheckpoint(name) {
      const raw = await kv.get(`${p}cp:${name}`, "text");
      return raw == null ? null : z.coerce.number().parse(raw);
    },
    async setCheckpoint(name, value) {
      await put(`${p}cp:${name}`, String(value));
    },
    async putJob(j) {
      await put(job(j.id), JSON.stringify(Job.parse(j)), { expirationTtl: 7 * 86_400 });
    },
    async getJob(id) {
      const raw = await kv.get(job(id), "text");
      return raw ? Job.parse(JSON.parse(raw)) : null;
    },
    async listJobs(limit = 20) {
      return (await valuesUnder(`${p}j:`, Job, JOBS_KEPT)).sort(newestJobFirst).slice(0, limit);
    },
    async putDeadLetter(entry) {
      await put(dead(entry.id), JSON.stringify(DeadLetter.parse(entry)));
    },
    async listDeadLetters(limit = 100) {
      return (await valuesUnder(`${p}q:`, DeadLetter)).sort(byFirstFailure).slice(0, limit);
    },
    async deleteDeadLetters(ids) {
      return deleteAll(await existing(ids.map(dead)));
    },
    async countDeadLetters() {
      return (await listAll(`${p}q:`)).length;
    },
    usage: () => ({ ...lists.usage }),
    async close() {},
  };

  async function existing(names: readonly string[]): Promise<string[]> {
    const there = await present(names);
    return names.filter((_, i) => there[i]);
  }
}
