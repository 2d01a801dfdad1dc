import { z } from "zod";

/**
 * What the KV store's client (shard-lists.ts) asks a list shard (list-shard.ts), a Durable Object,
 * and what it answers: JSON over the stub's fetch, checked on both sides. One request per shard per
 * store call — a batch's changes to a region's lists are one billed Durable Object request.
 */
const Guarded = { v: z.number().int(), s: z.number().int() };
export const ShardChange = z.object({
  list: z.string(),
  id: z.string(),
  ...Guarded,
  /** Null: the shop leaves the list (its guard is kept). */
  member: z.string().nullable(),
  card: z.string().nullable(),
});
export type ShardChange = z.infer<typeof ShardChange>;

export const ShardRequest = z.discriminatedUnion("op", [
  z.object({ op: z.literal("apply"), changes: z.array(ShardChange), at: z.string() }),
  z.object({
    op: z.literal("seed"),
    list: z.string(),
    entries: z.array(z.object({ id: z.string(), ...Guarded, member: z.string(), card: z.string() })),
    at: z.string(),
  }),
  /** Whole lists (`n` absent) or their first `n` cards, with totals and guards. */
  z.object({ op: z.literal("read"), lists: z.array(z.string()), n: z.number().int().optional() }),
  z.object({ op: z.literal("ids"), list: z.string() }),
  z.object({ op: z.literal("drop"), lists: z.array(z.string()) }),
  z.object({ op: z.literal("count") }),
  z.object({ op: z.literal("purge") }),
  z.object({ op: z.literal("memberships"), shop: z.string() }),
  /** Each shop in every list (a shop's lists, or a seeded list's shops); answers the first's lists. */
  z.object({
    op: z.literal("register"),
    shops: z.array(z.object({ shop: z.string(), ...Guarded })).min(1),
    lists: z.array(z.string()),
  }),
  z.object({ op: z.literal("release"), shop: z.string(), ...Guarded, lists: z.array(z.string()) }),
  z.object({ op: z.literal("forget"), shop: z.string() }),
]);
export type ShardRequest = z.infer<typeof ShardRequest>;

export const ShardList = z.object({
  list: z.string(),
  rev: z.number(),
  seq: z.number(),
  at: z.string(),
  total: z.number(),
  cards: z.array(z.string()),
});
export type ShardList = z.infer<typeof ShardList>;

/** Every answer carries the SQLite rows the request read and wrote: what Cloudflare bills. */
export const ShardAnswer = z.object({
  rowsRead: z.number(),
  rowsWritten: z.number(),
  applied: z.object({ changed: z.array(z.string()), bytes: z.array(z.number()) }).optional(),
  seeded: z.boolean().optional(),
  lists: z.array(ShardList.nullable()).optional(),
  names: z.array(z.string()).optional(),
  count: z.number().optional(),
});
export type ShardAnswer = z.infer<typeof ShardAnswer>;
