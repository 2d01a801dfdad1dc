import { z } from "zod";
import { DeadLetter, DocMeta, docKey, docKindOf, Job } from "../../contract/index.ts";
import { contentHash, unchanged } from "../content.ts";
import {
  byFirstFailure,
  type CatalogueKind,
  countByKind,
  type DocumentStore,
  JOBS_KEPT,
  listOperationsOf,
  type NewDoc,
  newestJobFirst,
  type PutResult,
  refuseList,
  type StoredDoc,
  supersedes,
} from "../port.ts";
import { BULK, kvLister } from "./key-listing.ts";
import { kvLists } from "./shop-lists.ts";

/**
 * Workers KV adapter: the body is the value, {version, seq, builtAt} its metadata.
 *
 * How the version guard holds without compare-and-set: KV has none, and allows one write per
 * second per key (https://developers.cloudflare.com/kv/platform/limits/). The guard here is a
 * read-then-write, which is safe because there is one writer per key: the sync-worker's queue
 * consumer runs one batch at a time (max_concurrency = 1) and coalesces a batch's events per shop, so
 * each key is written at most once per batch. KV reads are eventually consistent (up to ~60 s across
 * locations): a stale read can only let a document built from *fresh* origin state through, never an
 * older one, because the consumer always builds from a state fetch made after the event.
 * Miniflare's local KV is immediately consistent and hides all of this (docs/deployment.md).
 */
/** A document's metadata on KV: its guard, build time and public-content hash (content.ts). */
const KvMeta = DocMeta.extend({ h: z.string().optional() });

export function createKvStore(kv: KVNamespace, options: { prefix: string }): DocumentStore {
  const p = options.prefix.endsWith(":") ? options.prefix : `${options.prefix}:`;
  const doc = (key: string) => `${p}d:${key}`;
  const mem = (shopId: string) => `${p}m:${shopId}`;
  const dead = (id: string) => `${p}q:${id}`;
  const job = (id: string) => `${p}j:${id}`;

  const toDoc = (key: string, value: string | null, metadata: unknown): StoredDoc | null =>
    value === null ? null : { key, body: value, ...DocMeta.parse(metadata) };

  // The catalogue: a marker key per shop and per region (KV has no sets).
  const cat = (kind: CatalogueKind, name: string) => `${p}c:${kind === "shop" ? "s" : "r"}:${name}`;
  const { listAll, deleteAll, valuesUnder, present } = kvLister(kv);
  const lists = kvLists(kv, p);
  const isList = (key: string) => docKindOf(key) === "list";
  const stored = (key: string) => (isList(key) ? lists.name(key) : doc(key));

  return {
    kind: "kv",
    async get(key) {
      if (isList(key)) return (await lists.readLists([key]))[0] ?? null;
      const { value, metadata } = await kv.getWithMetadata(doc(key), "text");
      return toDoc(key, value, metadata);
    },
    async getMany(keys) {
      if (keys.some(isList)) return Promise.all(keys.map((k) => this.get(k)));
      const out: (StoredDoc | null)[] = [];
      for (let i = 0; i < keys.length; i += BULK) {
        const chunk = keys.slice(i, i + BULK);
        const found = await kv.getWithMetadata(chunk.map(doc), "text");
        for (const key of chunk) {
          const hit = found.get(doc(key));
          out.push(hit ? toDoc(key, hit.value, hit.metadata) : null);
        }
      }
      return out;
    },
    async put(key, d: NewDoc, options): Promise<PutResult> {
      refuseList(key);
      // Only the metadata is needed, but a stream cancelled unread breaks Miniflare's proxy under
      // load; the value is read as text (one read per coalesced write, not per request).
      const current = await kv.getWithMetadata(doc(key), "text");
      const h = contentHash(d.body);
      if (current.metadata) {
        const meta = KvMeta.parse(current.metadata);
        const at = { version: meta.version, seq: meta.seq };
        if (!supersedes(d, meta)) return { written: false, current: at };
        // A skipped write is a KV write (and the key's one write a second) not spent.
        if (unchanged({ ...d, hash: h }, { ...meta, hash: meta.h }, options))
          return { written: false, unchanged: true, current: at };
      }
      const metadata: z.infer<typeof KvMeta> = { version: d.version, seq: d.seq, builtAt: d.builtAt, h };
      await kv.put(doc(key), d.body, { metadata });
      return { written: true, current: { version: d.version, seq: d.seq } };
    },
    async delete(keys) {
      const existing = (await this.getMany(keys)).filter((x) => x !== null).length;
      await Promise.all(keys.map((k) => kv.delete(stored(k))));
      return existing;
    },
    async purgeShop(shopId) {
      const was = await this.getMemberships(shopId);
      const deleted = await this.delete([docKey.detail(shopId)]);
      await kv.delete(mem(shopId));
      return { deleted, lists: was };
    },
    async purgeAll(options = {}) {
      const names = await listAll(p);
      const kept = (n: string) => !options.deadLetters && (n.startsWith(`${p}q:`) || n.startsWith(`${p}j:`));
      return deleteAll(names.filter((n) => !kept(n)));
    },
    async countDocuments() {
      const names = [...(await listAll(`${p}d:`)), ...(await listAll(`${p}l:`))];
      return countByKind(names.map((n) => n.slice(n.indexOf(":", p.length) + 1)));
    },
    ...listOperationsOf(lists),
    async noteCatalogue({ shops = [], regions = [], goneShops = [] }) {
      // Read before writing: every rebuild notes its shop again, and a KV read costs a tenth of a
      // write (https://developers.cloudflare.com/kv/platform/pricing/).
      const names = [...shops.map((id) => cat("shop", id)), ...regions.map((r) => cat("region", r))];
      const there = await present(names);
      await Promise.all(names.filter((_, i) => !there[i]).map((n) => kv.put(n, "1")));
      await Promise.all(goneShops.map((id) => kv.delete(cat("shop", id))));
    },
    async inCatalogue(kind, names) {
      return present(names.map((n) => cat(kind, n)));
    },
    async getCheckpoint(name) {
      const raw = await kv.get(`${p}cp:${name}`, "text");
      return raw == null ? null : z.coerce.number().parse(raw);
    },
    async setCheckpoint(name, value) {
      await kv.put(`${p}cp:${name}`, String(value));
    },
    async putJob(j) {
      // KV takes one write per key per second: the Jobs class persists progress at most that often.
      await kv.put(job(j.id), JSON.stringify(Job.parse(j)), { expirationTtl: 7 * 86_400 });
    },
    async getJob(id) {
      const raw = await kv.get(job(id), "text");
      return raw ? Job.parse(JSON.parse(raw)) : null;
    },
    async listJobs(limit = 20) {
      return (await valuesUnder(`${p}j:`, Job, JOBS_KEPT)).sort(newestJobFirst).slice(0, limit);
    },
    async putDeadLetter(entry) {
      await kv.put(dead(entry.id), JSON.stringify(DeadLetter.parse(entry)));
    },
    async listDeadLetters(limit = 100) {
      return (await valuesUnder(`${p}q:`, DeadLetter)).sort(byFirstFailure).slice(0, limit);
    },
    async deleteDeadLetters(ids) {
      const names: string[] = [];
      for (let i = 0; i < ids.length; i += BULK) {
        const found = await kv.get(ids.slice(i, i + BULK).map(dead), "text");
        for (const [name, value] of found) if (value !== null) names.push(name);
      }
      return deleteAll(names);
    },
    async countDeadLetters() {
      return (await listAll(`${p}q:`)).length;
    },
    async close() {},
  };
}
