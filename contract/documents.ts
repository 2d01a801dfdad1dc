import { z } from "zod";
import { AdProduct, Category, IsoDateTime, MenuItem, Owner, Region, Shop } from "./domain.ts";

/**
 * The three public documents (docs/api.md). They are built from origin state by `projection/` and
 * carry only public fields: the owner's phone, email and bank account never appear here.
 */
export const PublicOwner = Owner.pick({ name: true, businessName: true, businessNumber: true });
export const PublicMenuItem = MenuItem.omit({ shopId: true });
export const PublicAd = z.object({
  id: z.string(),
  product: AdProduct,
  regions: z.array(Region),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  bid: z.number().int(),
});

const PublicShopFields = Shop.pick({
  id: true,
  name: true,
  category: true,
  regions: true,
  address: true,
  phone: true,
  minOrder: true,
  deliveryFee: true,
  openHours: true,
  status: true,
  rating: true,
  reviewCount: true,
});

export const ShopDetailDoc = PublicShopFields.extend({
  menus: z.array(PublicMenuItem),
  ads: z.array(PublicAd),
  owner: PublicOwner,
  deleted: z.literal(false),
  version: z.number().int(),
  seq: z.number().int(),
  builtAt: IsoDateTime,
});
/** A deleted shop's detail: answered 404 by the edge without asking the origin. */
export const ShopTombstoneDoc = z.object({
  id: z.string(),
  deleted: z.literal(true),
  version: z.number().int(),
  seq: z.number().int(),
  builtAt: IsoDateTime,
});
export const DetailDocument = z.discriminatedUnion("deleted", [ShopDetailDoc, ShopTombstoneDoc]);
export type ShopDetailDoc = z.infer<typeof ShopDetailDoc>;
export type ShopTombstoneDoc = z.infer<typeof ShopTombstoneDoc>;
export type DetailDocument = z.infer<typeof DetailDocument>;

export const ListEntry = Shop.pick({
  id: true,
  name: true,
  category: true,
  rating: true,
  reviewCount: true,
  minOrder: true,
  deliveryFee: true,
  openHours: true,
}).extend({ ad: z.object({ product: AdProduct, bid: z.number().int(), endsAt: IsoDateTime }).nullable() });
export type ListEntry = z.infer<typeof ListEntry>;

/** Stored list: every open shop of (region, category) in serving order; the edge pages over it. */
export const ShopListDoc = z.object({
  region: Region,
  category: Category,
  total: z.number().int(),
  shops: z.array(ListEntry),
  seq: z.number().int(),
  builtAt: IsoDateTime,
});
export type ShopListDoc = z.infer<typeof ShopListDoc>;
/** One page of the list as served; `next` is an opaque cursor, null on the last page. */
export const ShopListPage = ShopListDoc.omit({ seq: true, builtAt: true }).extend({
  next: z.string().nullable(),
});
export type ShopListPage = z.infer<typeof ShopListPage>;

export const MainDoc = z.object({
  region: Region,
  categories: z.array(z.object({ category: Category, count: z.number().int() })),
  featured: z.array(ListEntry.extend({ category: Category })),
  seq: z.number().int(),
  builtAt: IsoDateTime,
});
export type MainDoc = z.infer<typeof MainDoc>;
