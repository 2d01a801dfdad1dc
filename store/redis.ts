import type { Redis } from "@upstash/redis";
import { z } from "zod";
import { DocMeta, docKey } from "../contract/index.ts";
import { countByKind, type DocumentStore, type NewDoc, type PutResult, type StoredDoc } from "./port.ts";
import { recordKeys, redisRecords } from "./redis-records.ts";

/**
 * Redis adapter over @upstash/redis: Upstash REST, or a plain server through the TCP requester.
 * The client must run with automatic deserialization off (bodies come back byte for byte), so
 * replies are raw Redis arrays and strings — hence the casts below.
 *
 * Layout under `prefix`: `d:<doc key>` hash {body, version, seq, builtAt}; `m:<shop>` JSON list of
 * list keys; `cp:<name>` checkpoints; `dlq` and `jobs` hashes (see redis-records.ts).
 */
const FIELDS = ["body", "version", "seq", "builtAt"] as const;

// The guard and the write in one script, so two sync-workers racing on a key cannot interleave.
// Same ordering as `supersedes` in port.ts: newer version wins; equal version needs seq >= stored.
const GUARDED_PUT = `
local cur = redis.call('HMGET', KEYS[1], 'version', 'seq')
local v, s = tonumber(ARGV[1]), tonumber(ARGV[2])
if cur[1] then
  local cv, cs = tonumber(cur[1]), tonumber(cur[2])
  if v < cv or (v == cv and s < cs) then return {0, cv, cs} end
end
redis.call('HSET', KEYS[1], 'body', ARGV[3], 'version', ARGV[1], 'seq', ARGV[2], 'builtAt', ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return {1, v, s}`;

const PURGE_SHOP = `
local lists = redis.call('GET', KEYS[2])
local deleted = redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[2])
return {deleted, lists or '[]'}`;

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
  const { dlq, jobs } = recordKeys(p);
  // Written document keys are published here (from inside the guarded-put script: atomic with the write).
  const channel = `${p}written`;
  const announce = async (keys: readonly string[]) => {
    for (const key of keys) await redis.publish(channel, key);
  };

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
      return toDoc(key, await redis.hmget(doc(key), ...FIELDS));
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      const pipe = redis.pipeline();
      for (const key of keys) pipe.hmget(doc(key), ...FIELDS);
      const replies = await pipe.exec();
      return keys.map((key, i) => toDoc(key, replies[i]));
    },
    async put(key, d: NewDoc): Promise<PutResult> {
      const [written, version, seq] = (await redis.eval(
        GUARDED_PUT,
        [doc(key)],
        [String(d.version), String(d.seq), d.body, d.builtAt, channel, key],
      )) as number[];
      return { written: written === 1, current: { version: Number(version), seq: Number(seq) } };
    },
    async delete(keys) {
      if (keys.length === 0) return 0;
      const n = await redis.del(...keys.map(doc));
      await announce(keys);
      return n;
    },
    async purgeShop(shopId) {
      const [deleted, lists] = (await redis.eval(
        PURGE_SHOP,
        [doc(docKey.detail(shopId)), mem(shopId)],
        [],
      )) as [number, string];
      await announce([docKey.detail(shopId)]);
      return { deleted: Number(deleted), lists: ListKeys.parse(JSON.parse(lists)) };
    },
    async purgeAll(options = {}) {
      // Only the store's own namespaces: a queue (Redis Streams) may share the deployment prefix.
      let removed = 0;
      for (const ns of ["d:", "m:", "cp:"]) {
        await scan(`${p}${ns}*`, async (keys) => {
          if (keys.length) removed += await redis.unlink(...keys);
        });
      }
      if (options.deadLetters) removed += await redis.unlink(dlq, jobs);
      return removed;
    },
    async countDocuments() {
      const keys: string[] = [];
      await scan(`${p}d:*`, async (page) => {
        keys.push(...page.map((k) => k.slice(p.length + 2)));
      });
      return countByKind(keys);
    },
    async getMemberships(shopId) {
      const raw = (await redis.get(mem(shopId))) as string | null;
      return raw ? ListKeys.parse(JSON.parse(raw)) : [];
    },
    async setMemberships(shopId, listKeys) {
      if (listKeys.length === 0) await redis.del(mem(shopId));
      else await redis.set(mem(shopId), JSON.stringify([...listKeys].sort()));
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
