import { z } from "zod";
import { Ad, Id, IsoDateTime, MenuItem, Shop, StateOwner } from "./domain.ts";
import { EventType } from "./events.ts";

/**
 * State API: what the query side reads from the command side. `seq` is the change-feed
 * watermark read in the same snapshot as the data, so the query side can refuse to replace a
 * document with one built from older state.
 */
export const Seq = z.number().int().min(0);

export const ShopAggregate = Shop.extend({
  menus: z.array(MenuItem),
  ads: z.array(Ad),
  owner: StateOwner,
});
export type ShopAggregate = z.infer<typeof ShopAggregate>;

/** A deleted shop is answered as a tombstone: `deleted: true`, its last version, no menus or ads. */
export const ShopStateResponse = z.object({ seq: Seq, shop: ShopAggregate });
export type ShopStateResponse = z.infer<typeof ShopStateResponse>;

/**
 * Many shops in one read (optional in the contract; an origin without it answers 404 and the query
 * side reads shop by shop): the same aggregates as `GET /state/shops/:id`, tombstones included, from
 * one snapshot, so one `seq` covers them all. `missing` lists ids the origin does not know.
 */
export const MAX_STATE_BATCH = 200;
export const ShopsStateResponse = z.object({
  seq: Seq,
  shops: z.array(ShopAggregate),
  missing: z.array(z.string()),
});
export type ShopsStateResponse = z.infer<typeof ShopsStateResponse>;
export const ShopsBatchQuery = z
  .object({
    ids: z
      .string()
      .transform((s) => [...new Set(s.split(","))])
      .pipe(z.array(Id).min(1).max(MAX_STATE_BATCH)),
  })
  .strict();

/** The list source for one (region, category): every live shop there, with its ads, without menus. */
export const ListShop = Shop.extend({ ads: z.array(Ad) });
export type ListShop = z.infer<typeof ListShop>;
export const ShopListStateResponse = z.object({ seq: Seq, shops: z.array(ListShop) });
export type ShopListStateResponse = z.infer<typeof ShopListStateResponse>;

export const OwnerStateResponse = z.object({ seq: Seq, owner: StateOwner, shopIds: z.array(z.string()) });
export type OwnerStateResponse = z.infer<typeof OwnerStateResponse>;

export const Change = z.object({
  seq: Seq,
  type: EventType,
  id: z.string(),
  shopId: z.string().nullable(),
  at: IsoDateTime,
});
export type Change = z.infer<typeof Change>;
/** `next` is the `after` to ask with next time; an empty page means the reader is caught up. */
export const ChangesResponse = z.object({ changes: z.array(Change), next: Seq });
export type ChangesResponse = z.infer<typeof ChangesResponse>;

/**
 * The outbox as the origin sees it: rows committed but not yet accepted by the sync-worker. Optional
 * in the contract (an origin may answer 404); the operator console shows it when present.
 */
export const OutboxStatusResponse = z.object({
  seq: Seq,
  pending: z.number().int().min(0),
  oldestPendingAt: IsoDateTime.nullable(),
});
export type OutboxStatusResponse = z.infer<typeof OutboxStatusResponse>;

export const ShopIdsResponse = z.object({ ids: z.array(z.string()), next: z.string().nullable() });
export type ShopIdsResponse = z.infer<typeof ShopIdsResponse>;

const Limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
export const ChangesQuery = z
  .object({
    after: z.coerce.number().int().min(0).optional(),
    since: z.union([IsoDateTime, z.iso.datetime()]).optional(),
    limit: Limit(5000, 500),
  })
  .strict();
export const ShopIdsQuery = z
  .object({ after: z.string().max(64).optional(), limit: Limit(5000, 1000) })
  .strict();
