import pLimit from "p-limit";
import { listRegion, parseDocKey } from "../../contract/index.ts";
import { listBody } from "../list-record.ts";
import type { ListHead, ListOperations, StoredDoc } from "../port.ts";
import { ShardAnswer, type ShardChange, type ShardList, type ShardRequest } from "./shard-protocol.ts";

/** Memberships are spread over this many objects by a hash of the shop id. */
export const MEMBERSHIP_BUCKETS = 32;
/**
 * Requests to the shards in flight at once, per store: a first build's batch touches hundreds of
 * regions, and a Worker keeps six connections open at a time anyway (the rest wait).
 */
const IN_FLIGHT = 16;

export type ShardUsage = { do_requests: number; do_rows_read: number; do_rows_written: number };

/** Where the store keeps the names of region shards it has written, so purge and count find them. */
export type ShardRegistry = { note(region: string): Promise<void>; regions(): Promise<string[]> };

/**
 * The KV store's lists and memberships, kept in list shards (list-shard.ts): a region's lists in one
 * Durable Object, so a batch's changes to a region are one request that writes only changed rows,
 * and a list page or main is one request. Each call groups its work per shard and asks the shards
 * at once.
 */
export function shardLists(ns: DurableObjectNamespace, p: string, registry: ShardRegistry) {
  const usage: ShardUsage = { do_requests: 0, do_rows_read: 0, do_rows_written: 0 };
  const regionShard = (region: string) => `${p}r:${region}`;
  const bucketShard = (shop: string) => `${p}m:${fnv1a(shop) % MEMBERSHIP_BUCKETS}`;

  // A stub is made per request: on Workers a stub (like any I/O object) belongs to the request that
  // made it, and an isolate's store serves many.
  async function ask(shard: string, body: ShardRequest): Promise<ShardAnswer> {
    const res = await ns
      .get(ns.idFromName(shard))
      .fetch("https://list-shard/", { method: "POST", body: JSON.stringify(body) });
    usage.do_requests++;
    if (!res.ok) throw new Error(`list shard ${shard}: ${res.status} ${await res.text()}`);
    const answer = ShardAnswer.parse(await res.json());
    usage.do_rows_read += answer.rowsRead;
    usage.do_rows_written += answer.rowsWritten;
    return answer;
  }
  /** Each group's work, IN_FLIGHT at a time; a limiter per call, so no request waits on another's. */
  const fanOut = <T, R>(groups: readonly T[], work: (group: T) => Promise<R>): Promise<R[]> => {
    const limit = pLimit(IN_FLIGHT);
    return Promise.all(groups.map((g) => limit(() => work(g))));
  };
  /** Items grouped by a key (a region, a membership bucket), each with its position in the call. */
  function grouped<T>(items: readonly T[], keyOf: (item: T) => string) {
    const groups = new Map<string, { item: T; at: number }[]>();
    items.forEach((item, at) => {
      const r = keyOf(item);
      const group = groups.get(r) ?? [];
      if (group.length === 0) groups.set(r, group);
      group.push({ item, at });
    });
    return [...groups];
  }
  async function read(keys: readonly string[], n?: number): Promise<(ShardList | null)[]> {
    const out: (ShardList | null)[] = keys.map(() => null);
    await fanOut(grouped(keys, listRegion), async ([region, group]) => {
      const { lists = [] } = await ask(regionShard(region), {
        op: "read",
        lists: group.map((g) => g.item),
        n,
      });
      group.forEach((g, i) => {
        out[g.at] = lists[i] ?? null;
      });
    });
    return out;
  }
  const register = (shops: { shop: string; v: number; s: number }[], lists: string[]) =>
    fanOut(
      grouped(shops, (s) => bucketShard(s.shop)),
      ([shard, group]) => ask(shard, { op: "register", shops: group.map((g) => g.item), lists }),
    );

  const ops: ListOperations = {
    async applyLists(changes, builtAt) {
      const bytes = changes.map(() => 0);
      const changed: string[] = [];
      await fanOut(
        grouped(changes, (c) => listRegion(c.list)),
        async ([region, group]) => {
          await registry.note(region);
          const wire: ShardChange[] = group.map(({ item: c }) => ({
            list: c.list,
            id: c.id,
            v: c.guard.version,
            s: c.guard.seq,
            member: c.entry?.member ?? null,
            card: c.entry?.card ?? null,
          }));
          const { applied } = await ask(regionShard(region), { op: "apply", changes: wire, at: builtAt });
          group.forEach((g, i) => {
            bytes[g.at] = applied?.bytes[i] ?? 0;
          });
          changed.push(...(applied?.changed ?? []));
        },
      );
      return { changed, bytes };
    },
    async seedList(key, entries, builtAt) {
      const region = listRegion(key);
      await registry.note(region);
      // Memberships first: should the seed fail, a superset of lists is safe (list-record.ts).
      if (entries.length > 0)
        await register(
          entries.map((e) => ({ shop: e.id, ...wireGuard(e.guard) })),
          [key],
        );
      const wire = entries.map((e) => ({ id: e.id, ...wireGuard(e.guard), member: e.member, card: e.card }));
      return (
        (await ask(regionShard(region), { op: "seed", list: key, entries: wire, at: builtAt })).seeded ===
        true
      );
    },
    async listHeads(keys, n) {
      const lists = await read(keys, n);
      return keys.map((key, i): ListHead => {
        const l = lists[i];
        return l
          ? { key, total: l.total, rev: l.rev, seq: l.seq, at: l.at, cards: l.cards }
          : { key, total: 0, rev: 0, seq: 0, at: "", cards: [] };
      });
    },
    async listShopIds(key) {
      return ((await ask(regionShard(listRegion(key)), { op: "ids", list: key })).names ?? []).sort();
    },
    async getMemberships(shop) {
      return (await ask(bucketShard(shop), { op: "memberships", shop })).names ?? [];
    },
    async registerLists(shop, guard, lists) {
      const [answer] = await register([{ shop, ...wireGuard(guard) }], [...lists]);
      return answer?.names ?? [];
    },
    async releaseLists(shop, guard, lists) {
      if (lists.length > 0)
        await ask(bucketShard(shop), { op: "release", shop, ...wireGuard(guard), lists: [...lists] });
    },
  };

  return {
    ...ops,
    usage,
    /** Whole list documents, as `get` answers them. */
    async readLists(keys: readonly string[]): Promise<(StoredDoc | null)[]> {
      const lists = await read(keys);
      return keys.map((key, i) => {
        const l = lists[i];
        const parsed = parseDocKey(key);
        if (!l || parsed?.kind !== "list") return null;
        const body = listBody(parsed.region, parsed.category, l.total, l.cards, l.seq, l.at);
        return { key, body, version: l.rev, seq: l.seq, builtAt: l.at };
      });
    },
    async dropLists(keys: readonly string[]): Promise<number> {
      const counts = await fanOut(
        grouped(keys, listRegion),
        async ([region, group]) =>
          (await ask(regionShard(region), { op: "drop", lists: group.map((g) => g.item) })).count ?? 0,
      );
      return counts.reduce((a, b) => a + b, 0);
    },
    async forgetShop(shop: string): Promise<string[]> {
      return (await ask(bucketShard(shop), { op: "forget", shop })).names ?? [];
    },
    /** Lists written, and regions with one (a main each). */
    async counts(): Promise<{ list: number; main: number }> {
      const counts = await fanOut(
        await registry.regions(),
        async (r) => (await ask(regionShard(r), { op: "count" })).count ?? 0,
      );
      return { list: counts.reduce((a, b) => a + b, 0), main: counts.filter((c) => c > 0).length };
    },
    async purge(): Promise<number> {
      const shards = [
        ...(await registry.regions()).map(regionShard),
        ...Array.from({ length: MEMBERSHIP_BUCKETS }, (_, i) => `${p}m:${i}`),
      ];
      await fanOut(shards, (s) => ask(s, { op: "purge" }));
      return shards.length;
    },
  };
}

const wireGuard = (g: { version: number; seq: number }) => ({ v: g.version, s: g.seq });

/** FNV-1a over UTF-16 code units: a stable bucket for a shop id, the same in every runtime. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
