import type { Redis } from "@upstash/redis";
import { z } from "zod";
import { DocMeta, docKey, docKindOf } from "../../contract/index.ts";
import { contentHash, REWRITE_UNCHANGED_AFTER_MS } from "../content.ts";
import {
  type CatalogueKind,
  countByKind,
  type DocumentStore,
  listOperationsOf,
  metaOf,
  type NewDoc,
  type PutResult,
  refuseList,
  type StoredDoc,
} from "../port.ts";
import { recordKeys, redisRecords } from "./records.ts";
import { luaScripts } from "./scripts.ts";
import { MEMBERSHIPS, redisLists } from "./shop-lists.ts";

/**
 * Redis adapter over @upstash/redis: Upstash REST, or a plain server through the TCP requester.
 * The client must run with automatic deserialization off (bodies come back byte for byte), so
 * replies are raw Redis arrays and strings — hence the casts below.
 *
 * Layout under `prefix`: `d:<doc key>` hash {body, version, seq, builtAt} (details, mains);
 * `lh:`/`lz:<list key>` a list's hash and sorted set (see redis-lists.ts); `m:<shop>` hash of the
 * lists a shop may be in; `cat:shop` and `cat:region` the catalogue's sets; `cp:<name>` checkpoints;
 * `dlq` and `jobs` hashes (see redis-records.ts).
 */
const FIELDS = ["body", "version", "seq", "builtAt"] as const;

// The guard and the write in one script, so two sync-workers racing on a key cannot interleave.
// Same ordering as `supersedes` in port.ts: newer version wins; equal version needs seq >= stored.
const GUARDED_PUT = `
local cur = redis.call('HMGET', KEYS[1], 'version', 'seq', 'h', 'at')
local v, s = tonumber(ARGV[1]), tonumber(ARGV[2])
if cur[1] then
  local cv, cs = tonumber(cur[1]), tonumber(cur[2])
  if v < cv or (v == cv and s < cs) then return {0, cv, cs} end
  -- Same version and public content, stored less than ARGV[9] ms before: nothing a reader sees (content.ts).
  if ARGV[8] == '0' and v == cv and cur[3] == ARGV[7] and tonumber(ARGV[10]) - tonumber(cur[4] or 0) < tonumber(ARGV[9]) then
    return {2, cv, cs}
  end
end
redis.call('HSET', KEYS[1], 'body', ARGV[3], 'version', ARGV[1], 'seq', ARGV[2], 'builtAt', ARGV[4], 'h', ARGV[7], 'at', ARGV[10])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return {1, v, s}`;

const PURGE_SHOP = `
local deleted = redis.call('DEL', KEYS[1])
return deleted`;

const ListKeys = z.array(z.string());

export type Subscribe = (
  channel: string,
  listener: (message: string) => void,
) => Promise<() => Promise<void>>;

export function createRedisStore(
  redis: Redis,
  /** `subscribe` (pub/sub, TCP only) turns on write notifications: `onWrite`. */
  options: { prefix: string; close?: () => Promise<void>; subscribe?: Subscribe },
): DocumentStore {
  const p = options.prefix.endsWith(":") ? options.prefix : `${options.prefix}:`;
  const doc = (key: string) => `${p}d:${key}`;
  const mem = (shopId: string) => `${p}m:${shopId}`;
  const cat = (kind: CatalogueKind) => `${p}cat:${kind}`;
  const { dlq, jobs } = recordKeys(p);
  // Written document keys are published here (from inside the guarded-put script: atomic with the write).
  const channel = `${p}written`;
  const announce = async (keys: readonly string[]) => {
    for (const key of keys) await redis.publish(channel, key);
  };
  const lua = luaScripts(redis);
  const lists = redisLists(redis, p, channel, lua);
  const isList = (key: string) => docKindOf(key) === "list";

  async function scan(match: string, each: (keys: string[]) => Promise<void>) {
    let cursor = "0";
    do {
      const [next, keys] = (await redis.scan(cursor, { match, count: 1000 })) as [string, string[]];
      cursor = String(next);
      await each(keys);
    } while (cursor !== "0");
  }

  const toDoc = (key: string, raw: unknown): StoredDoc | null => {
    const [body, version, seq, builtAt] = raw as (string | null)[];
    if (body == null) return null;
    return { key, body, ...DocMeta.parse({ version, seq, builtAt }) };
  };

  return {
    kind: "redis",
    async get(key) {
      if (isList(key)) return (await lists.readLists([key], 0))[0] ?? null;
      return toDoc(key, await redis.hmget(doc(key), ...FIELDS));
    },
    async getMany(keys) {
      const plain = keys.filter((k) => !isList(k));
      const listed = keys.filter(isList);
      const found = new Map<string, StoredDoc | null>();
      if (plain.length > 0) {
        const pipe = redis.pipeline();
        for (const key of plain) pipe.hmget(doc(key), ...FIELDS);
        const replies = await pipe.exec();
        plain.forEach((key, i) => {
          found.set(key, toDoc(key, replies[i]));
        });
      }
      (await lists.readLists(listed, 0)).forEach((d, i) => {
        found.set(listed[i] as string, d);
      });
      return keys.map((key) => found.get(key) ?? null);
    },
    async getMetas(keys) {
      const plain = keys.filter((k) => !isList(k));
      const pipe = redis.pipeline();
      for (const key of plain) pipe.hmget(doc(key), "version", "seq", "builtAt");
      const replies = plain.length > 0 ? await pipe.exec() : [];
      const found = new Map<string, DocMeta | null>();
      plain.forEach((key, i) => {
        const [version, seq, builtAt] = replies[i] as (string | null)[];
        found.set(key, version == null ? null : DocMeta.parse({ version, seq, builtAt }));
      });
      // Lists keep their seq in their record: read as getMany does (catch-up never asks for one).
      const listed = keys.filter(isList);
      (await lists.readLists(listed, 0)).forEach((d, i) => {
        found.set(listed[i] as string, metaOf(d));
      });
      return keys.map((key) => found.get(key) ?? null);
    },
    async put(key, d: NewDoc, options = {}): Promise<PutResult> {
      refuseList(key);
      const [outcome, version, seq] = (await lua.eval(
        GUARDED_PUT,
        [doc(key)],
        [
          String(d.version),
          String(d.seq),
          d.body,
          d.builtAt,
          channel,
          key,
          contentHash(d.body),
          options.rewrite ? "1" : "0",
          String(REWRITE_UNCHANGED_AFTER_MS),
          String(Date.parse(d.builtAt)), // Lua has no ISO parser: the build time in ms beside it
        ],
      )) as number[];
      const current = { version: Number(version), seq: Number(seq) };
      return outcome === 2
        ? { written: false, unchanged: true, current }
        : { written: outcome === 1, current };
    },
    async delete(keys) {
      if (keys.length === 0) return 0;
      const plain = keys.filter((k) => !isList(k)).map(doc);
      // A list counts as one document: its hash (the sorted set goes with it).
      const listed = keys.filter(isList);
      const n =
        (plain.length ? await redis.del(...plain) : 0) +
        (listed.length ? await redis.del(...listed.map(lists.keys.hash)) : 0);
      if (listed.length) await redis.del(...listed.map(lists.keys.zset));
      await announce(keys);
      return n;
    },
    async purgeShop(shopId) {
      const was = ListKeys.parse(await lua.eval(MEMBERSHIPS, [mem(shopId)], [])).sort();
      const deleted = await lua.eval(PURGE_SHOP, [doc(docKey.detail(shopId))], []);
      await redis.del(mem(shopId));
      await announce([docKey.detail(shopId)]);
      return { deleted: Number(deleted), lists: was };
    },
    async purgeAll(options = {}) {
      // Only the store's own namespaces: a queue (Redis Streams) may share the deployment prefix.
      let removed = 0;
      for (const ns of ["d:", "lh:", "lz:", "m:", "cp:", "cat:"]) {
        await scan(`${p}${ns}*`, async (keys) => {
          if (keys.length) removed += await redis.unlink(...keys);
        });
      }
      // The list revision counter goes too: nothing of a purged deployment is left behind (an ETag
      // stays distinct after a purge, as it also carries the build time).
      await redis.unlink(`${p}rev`);
      if (options.deadLetters) removed += await redis.unlink(dlq, jobs);
      return removed;
    },
    async countDocuments() {
      const keys: string[] = [];
      await scan(`${p}d:*`, async (page) => {
        keys.push(...page.map((k) => k.slice(p.length + 2)));
      });
      await scan(`${p}lz:*`, async (page) => {
        keys.push(...page.map((k) => k.slice(p.length + 3)));
      });
      return countByKind(keys);
    },
    ...listOperationsOf(lists),
    async noteCatalogue({ shops = [], regions = [], goneShops = [] }) {
      if (shops.length + regions.length + goneShops.length === 0) return;
      const pipe = redis.pipeline();
      if (shops.length) pipe.sadd(cat("shop"), ...(shops as [string, ...string[]]));
      if (regions.length) pipe.sadd(cat("region"), ...(regions as [string, ...string[]]));
      if (goneShops.length) pipe.srem(cat("shop"), ...goneShops);
      await pipe.exec();
    },
    async inCatalogue(kind, names) {
      if (names.length === 0) return [];
      const found = (await redis.smismember(cat(kind), [...names])) as unknown[];
      return found.map((x) => Number(x) === 1);
    },
    async getCheckpoint(name) {
      const raw = (await redis.get(`${p}cp:${name}`)) as string | null;
      return raw == null ? null : z.coerce.number().parse(raw);
    },
    async setCheckpoint(name, value) {
      await redis.set(`${p}cp:${name}`, String(value));
    },
    ...redisRecords(redis, p),
    ...(options.subscribe
      ? {
          async onWrite(listener: (key: string) => void) {
            const unsubscribe = await (options.subscribe as Subscribe)(channel, listener);
            return () => void unsubscribe();
          },
        }
      : {}),
    async close() {
      await options.close?.();
    },
  };
}
