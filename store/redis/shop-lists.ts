import type { Redis } from "@upstash/redis";
import { z } from "zod";
import { LIST_SORT_WIDTH, parseDocKey } from "../../contract/index.ts";
import { byList, guardText, listBody } from "../list-record.ts";
import type { ListHead, ListOperations, StoredDoc } from "../port.ts";
import { luaScripts } from "./scripts.ts";

/**
 * Lists on Redis: per list a sorted set of members (sort key + id, all at score 0, so Redis keeps
 * them in byte order = serving order) and a hash with each shop's card (`c:`), member (`k:`) and
 * guard (`v:`), plus the list's `_rev`, `_seq` and `_at`. One script per list applies a batch of
 * entry changes atomically, so sync-workers sharing the store never lose an update; a script per
 * list reads one consistent version. Writes are the entries that changed, never the list.
 */
const GUARD = `
local function older(g, v, s)
  if not g then return false end
  local sep = string.find(g, ':', 1, true)
  local cv, cs = tonumber(string.sub(g, 1, sep - 1)), tonumber(string.sub(g, sep + 1))
  return v < cv or (v == cv and s < cs)
end`;

const APPLY = `${GUARD}
local h, z = KEYS[1], KEYS[2]
local changed = false
local maxseq = tonumber(redis.call('HGET', h, '_seq') or '0')
local out = {0}
for b = 4, #ARGV, 5 do
  local id, v, s, member, card = ARGV[b], tonumber(ARGV[b+1]), tonumber(ARGV[b+2]), ARGV[b+3], ARGV[b+4]
  local g = redis.call('HGET', h, 'v:' .. id)
  local bytes = 0
  if not older(g, v, s) then
    local gv = ARGV[b+1] .. ':' .. ARGV[b+2]
    if gv ~= g then redis.call('HSET', h, 'v:' .. id, gv); bytes = bytes + #gv end
    if s > maxseq then maxseq = s end
    local old = redis.call('HGET', h, 'k:' .. id)
    local card0 = redis.call('HGET', h, 'c:' .. id)
    if old and old ~= member then
      redis.call('ZREM', z, old); redis.call('HDEL', h, 'k:' .. id); changed = true
    end
    if member == '' then
      if redis.call('HDEL', h, 'c:' .. id) == 1 then changed = true end
    else
      if old ~= member then
        redis.call('ZADD', z, 0, member); redis.call('HSET', h, 'k:' .. id, member)
        bytes = bytes + #member * 2; changed = true
      end
      if card0 ~= card then
        redis.call('HSET', h, 'c:' .. id, card); bytes = bytes + #card; changed = true
      end
    end
  end
  out[#out + 1] = bytes
end
redis.call('HSET', h, '_seq', maxseq)
if changed then
  out[1] = 1
  redis.call('HSET', h, '_rev', redis.call('INCR', KEYS[3]), '_at', ARGV[3])
  redis.call('PUBLISH', ARGV[1], ARGV[2])
end
return out`;

// A whole list where none was ever written, with each shop's membership (an edge's origin fallback).
// Membership keys are made from ARGV[4] (the store's prefix): one Redis node, as everywhere here.
const SEED = `${GUARD}
local h, z = KEYS[1], KEYS[2]
if redis.call('HEXISTS', h, '_rev') == 1 then return 0 end
local maxseq = 0
for b = 5, #ARGV, 5 do
  local id, v, s, member, card = ARGV[b], tonumber(ARGV[b+1]), tonumber(ARGV[b+2]), ARGV[b+3], ARGV[b+4]
  local gv = ARGV[b+1] .. ':' .. ARGV[b+2]
  if not older(redis.call('HGET', h, 'v:' .. id), v, s) then
    redis.call('HSET', h, 'v:' .. id, gv, 'k:' .. id, member, 'c:' .. id, card)
    redis.call('ZADD', z, 0, member)
    if s > maxseq then maxseq = s end
  end
  local mk = ARGV[4] .. id
  if redis.call('TYPE', mk).ok == 'string' then
    local old = cjson.decode(redis.call('GET', mk))
    redis.call('DEL', mk)
    for _, l in ipairs(old) do redis.call('HSET', mk, l, '0:0') end
  end
  if not older(redis.call('HGET', mk, ARGV[2]), v, s) then redis.call('HSET', mk, ARGV[2], gv) end
end
redis.call('HSET', h, '_rev', redis.call('INCR', KEYS[3]), '_seq', maxseq, '_at', ARGV[3])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1`;

// ZRANGE ARGV[1]..ARGV[2]; cards fetched in chunks (Lua's unpack has a stack limit).
const READ = `
local meta = redis.call('HMGET', KEYS[1], '_rev', '_seq', '_at')
if not meta[1] then return false end
local members = redis.call('ZRANGE', KEYS[2], ARGV[1], ARGV[2])
local cards = {}
for i = 1, #members, 1000 do
  local fields = {}
  for j = i, math.min(i + 999, #members) do fields[#fields + 1] = 'c:' .. string.sub(members[j], ${LIST_SORT_WIDTH + 1}) end
  local got = redis.call('HMGET', KEYS[1], unpack(fields))
  for _, c in ipairs(got) do cards[#cards + 1] = c end
end
return {meta[1], meta[2], meta[3], redis.call('ZCARD', KEYS[2]), cards}`;

// Memberships: a hash list key → guard of the newest state that wanted the shop there. A value
// left by an older version (a JSON array of list keys) is read as lists at guard 0:0.
const LEGACY = `
if redis.call('TYPE', KEYS[1]).ok == 'string' then
  local old = cjson.decode(redis.call('GET', KEYS[1]))
  redis.call('DEL', KEYS[1])
  for _, l in ipairs(old) do redis.call('HSET', KEYS[1], l, '0:0') end
end`;
export const MEMBERSHIPS = `${LEGACY}
return redis.call('HKEYS', KEYS[1])`;
const REGISTER = `${GUARD}${LEGACY}
local v, s = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 3, #ARGV do
  local g = redis.call('HGET', KEYS[1], ARGV[i])
  if not g or not older(g, v, s) then redis.call('HSET', KEYS[1], ARGV[i], ARGV[1] .. ':' .. ARGV[2]) end
end
return redis.call('HKEYS', KEYS[1])`;
const RELEASE = `${GUARD}${LEGACY}
local v, s = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 3, #ARGV do
  local g = redis.call('HGET', KEYS[1], ARGV[i])
  if g and not older(g, v, s) then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 1`;

const Read = z.union([
  z.null(),
  z.tuple([z.coerce.number(), z.coerce.number(), z.string(), z.coerce.number(), z.array(z.string())]),
]);
const Keys = z.array(z.string());

export type ListKeys = { hash: (list: string) => string; zset: (list: string) => string };

export function redisLists(
  redis: Redis,
  p: string,
  channel: string,
  lua: ReturnType<typeof luaScripts> = luaScripts(redis),
): ListOperations & {
  readLists(keys: readonly string[], n?: number): Promise<(StoredDoc | null)[]>;
  keys: ListKeys;
} {
  const hash = (list: string) => `${p}lh:${list}`;
  const zset = (list: string) => `${p}lz:${list}`;
  const mem = (shopId: string) => `${p}m:${shopId}`;
  const rev = `${p}rev`; // one counter per deployment: revisions grow across all lists

  async function readRaw(keys: readonly string[], n: number) {
    if (keys.length === 0) return [];
    const replies = await lua.pipeline((call) => {
      for (const key of keys) call(READ, [hash(key), zset(key)], ["0", String(n - 1)]);
    });
    return replies.map((r) => Read.parse(r));
  }

  return {
    keys: { hash, zset },
    async readLists(keys, n = 0) {
      const raw = await readRaw(keys, n);
      return keys.map((key, i) => {
        const r = raw[i];
        const parsed = parseDocKey(key);
        if (!r || parsed?.kind !== "list") return null;
        const [version, seq, builtAt, total, cards] = r;
        return {
          key,
          version,
          seq,
          builtAt,
          body: listBody(parsed.region, parsed.category, total, cards, seq, builtAt),
        };
      });
    },
    async applyLists(changes, builtAt) {
      const groups = [...byList(changes)];
      if (groups.length === 0) return { changed: [], bytes: [] };
      const replies = (await lua.pipeline((call) => {
        for (const [list, group] of groups) {
          const args = [channel, list, builtAt];
          for (const { change: c } of group) {
            args.push(
              c.id,
              String(c.guard.version),
              String(c.guard.seq),
              c.entry?.member ?? "",
              c.entry?.card ?? "",
            );
          }
          call(APPLY, [hash(list), zset(list), rev], args);
        }
      })) as number[][];
      const bytes = changes.map(() => 0);
      const changed: string[] = [];
      groups.forEach(([list, group], i) => {
        const [flag, ...each] = (replies[i] as number[]).map(Number);
        if (flag === 1) changed.push(list);
        group.forEach((g, j) => {
          bytes[g.at] = each[j] as number;
        });
      });
      return { changed, bytes };
    },
    async seedList(key, entries, builtAt) {
      const args = [channel, key, builtAt, `${p}m:`];
      for (const e of entries)
        args.push(e.id, String(e.guard.version), String(e.guard.seq), e.member, e.card);
      return Number(await lua.eval(SEED, [hash(key), zset(key), rev], args)) === 1;
    },
    async listHeads(keys, n): Promise<ListHead[]> {
      const raw = await readRaw(keys, n);
      return keys.map((key, i) => {
        const r = raw[i];
        return r
          ? { key, rev: r[0], seq: r[1], at: r[2], total: r[3], cards: r[4] }
          : { key, rev: 0, seq: 0, at: "", total: 0, cards: [] };
      });
    },
    async listShopIds(key) {
      const fields = (await redis.hkeys(hash(key))) as string[];
      return fields
        .filter((f) => f.startsWith("v:"))
        .map((f) => f.slice(2))
        .sort();
    },
    async getMemberships(shopId) {
      return Keys.parse(await lua.eval(MEMBERSHIPS, [mem(shopId)], [])).sort();
    },
    async registerLists(shopId, guard, lists) {
      const args = [String(guard.version), String(guard.seq), ...lists];
      return Keys.parse(await lua.eval(REGISTER, [mem(shopId)], args)).sort();
    },
    async releaseLists(shopId, guard, lists) {
      if (lists.length === 0) return;
      await lua.eval(RELEASE, [mem(shopId)], [...guardText(guard).split(":"), ...lists]);
    },
  };
}
