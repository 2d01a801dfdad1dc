import { z } from "zod";
import { idOfMember } from "../../contract/index.ts";
import {
  applyToRecord,
  assembleList,
  byList,
  cardOf,
  emptyRecord,
  headOf,
  type ListRecord,
  type Memberships,
  registerIn,
  releaseFrom,
  type Slot,
} from "../list-record.ts";
import type { ListOperations, StoredDoc } from "../port.ts";
import { SortedMembers } from "../sorted-members.ts";
import { BULK } from "./key-listing.ts";

/**
 * Lists on Workers KV: one value per list holding its entries in order and its guards. KV has no
 * atomic update, so this is read-modify-write under the adapter's one-writer rule (kv-store.ts): the
 * sync-worker's queue consumer runs one batch at a time. KV also takes one write per key per second
 * and charges per write, so here a change rewrites the list value — bounded by the list's length,
 * unlike memory and Redis, where only the changed entries are written (docs/store.md#lists).
 */
const Stored = z.object({
  rev: z.number(),
  seq: z.number(),
  at: z.string(),
  e: z.array(z.tuple([z.string(), z.string()])),
  g: z.array(z.tuple([z.string(), z.number(), z.number()])),
});
const StoredMemberships = z.union([
  z.array(z.string()), // written by an older version: lists at guard 0
  z.record(z.string(), z.tuple([z.number(), z.number()])),
]);

function slotsOf(s: z.infer<typeof Stored>): Map<string, Slot> {
  const slots = new Map<string, Slot>(
    s.g.map(([id, version, seq]) => [id, { guard: { version, seq }, member: undefined, card: undefined }]),
  );
  for (const [member, card] of s.e) {
    const id = idOfMember(member);
    const slot = slots.get(id);
    // Every entry is written with its guard; one without would take any change, as it always did.
    if (slot) Object.assign(slot, { member, card });
    else slots.set(id, { guard: { version: 0, seq: 0 }, member, card });
  }
  return slots;
}

function decode(raw: string | null): ListRecord | undefined {
  if (raw === null) return undefined;
  const s = Stored.parse(JSON.parse(raw));
  return {
    rev: s.rev,
    seq: s.seq,
    at: s.at,
    members: SortedMembers.from(s.e.map(([m]) => m)),
    slots: slotsOf(s),
  };
}

const encode = (r: ListRecord) =>
  JSON.stringify({
    rev: r.rev,
    seq: r.seq,
    at: r.at,
    e: r.members.toArray().map((m) => [m, cardOf(r, m)]),
    g: [...r.slots].map(([id, { guard }]) => [id, guard.version, guard.seq]),
  });

export function kvLists(
  kv: KVNamespace,
  p: string,
): ListOperations & {
  readLists(keys: readonly string[]): Promise<(StoredDoc | null)[]>;
  name: (list: string) => string;
} {
  const name = (list: string) => `${p}l:${list}`;
  const mem = (shopId: string) => `${p}m:${shopId}`;

  async function records(keys: readonly string[]): Promise<(ListRecord | undefined)[]> {
    const out: (ListRecord | undefined)[] = [];
    for (let i = 0; i < keys.length; i += BULK) {
      const chunk = keys.slice(i, i + BULK);
      const found = await kv.get(chunk.map(name), "text");
      for (const key of chunk) out.push(decode(found.get(name(key)) ?? null));
    }
    return out;
  }
  async function memberships(shopId: string): Promise<Memberships> {
    const raw = await kv.get(mem(shopId), "text");
    const parsed = raw === null ? {} : StoredMemberships.parse(JSON.parse(raw));
    if (Array.isArray(parsed)) return new Map(parsed.map((l) => [l, { version: 0, seq: 0 }]));
    return new Map(Object.entries(parsed).map(([l, [version, seq]]) => [l, { version, seq }]));
  }
  async function saveMemberships(shopId: string, rec: Memberships) {
    if (rec.size === 0) return kv.delete(mem(shopId));
    const value = Object.fromEntries([...rec].map(([l, g]) => [l, [g.version, g.seq]]));
    await kv.put(mem(shopId), JSON.stringify(value));
  }

  return {
    name,
    async readLists(keys) {
      const recs = await records(keys);
      return keys.map((key, i) => {
        const rec = recs[i];
        const body = rec ? assembleList(key, rec) : null;
        return rec && body ? { key, body, version: rec.rev, seq: rec.seq, builtAt: rec.at } : null;
      });
    },
    async applyLists(changes, builtAt) {
      const groups = [...byList(changes)];
      const recs = await records(groups.map(([key]) => key));
      const bytes = changes.map(() => 0);
      const changed: string[] = [];
      await Promise.all(
        groups.map(async ([key, group], i) => {
          const rec = recs[i] ?? emptyRecord();
          // Revs only need to grow per list and across a region's lists (main's guard): time does.
          const applied = applyToRecord(
            rec,
            group.map((g) => g.change),
            () => Math.max(rec.rev + 1, Date.now()),
            builtAt,
          );
          const value = encode(rec);
          // A new guard alone (a removal from a list the shop was not in) must be kept too.
          const dirty = applied.changed || applied.bytes.some((b) => b > 0);
          if (dirty) await kv.put(name(key), value);
          group.forEach((g, j) => {
            bytes[g.at] = dirty && j === 0 ? value.length : 0;
          });
          if (applied.changed) changed.push(key);
        }),
      );
      return { changed, bytes };
    },
    // KV has no atomic step for a list and its shops' memberships, and the queue consumer is the one
    // writer of lists: an edge's origin fallback keeps lists in its L1 only.
    async seedList() {
      return false;
    },
    async listHeads(keys, n) {
      const recs = await records(keys);
      return keys.map((key, i) => headOf(key, recs[i], n));
    },
    async listShopIds(key) {
      const [rec] = await records([key]);
      return [...(rec?.slots.keys() ?? [])].sort();
    },
    async getMemberships(shopId) {
      return [...(await memberships(shopId)).keys()].sort();
    },
    async registerLists(shopId, guard, lists) {
      const rec = await memberships(shopId);
      const all = registerIn(rec, guard, lists);
      await saveMemberships(shopId, rec);
      return all;
    },
    async releaseLists(shopId, guard, lists) {
      const rec = await memberships(shopId);
      releaseFrom(rec, guard, lists);
      await saveMemberships(shopId, rec);
    },
  };
}
