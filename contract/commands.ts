import { z } from "zod";
import { Ad, AdProduct, AdStatus, MenuItem, Owner, Shop, ShopStatus } from "./domain.ts";

/**
 * Command API bodies. Strict objects: an unknown or misspelt field is a 400 naming it,
 * not a silently ignored change.
 */
export const CreateOwner = Owner.omit({ id: true }).strict();
export const PatchOwner = nonEmpty(CreateOwner.partial());

export const CreateShop = Shop.omit({ id: true, createdAt: true, deleted: true, version: true })
  .extend({
    status: ShopStatus.default("open"),
    rating: Shop.shape.rating.default(0),
    reviewCount: Shop.shape.reviewCount.default(0),
  })
  .strict();
// A shop stays with its owner: moving it is a delete and a create, so ownerId is not patchable.
export const PatchShop = nonEmpty(
  Shop.omit({ id: true, ownerId: true, createdAt: true, deleted: true, version: true }).partial().strict(),
);

export const CreateMenuItem = MenuItem.omit({ id: true, shopId: true })
  .extend({
    description: MenuItem.shape.description.default(""),
    soldOut: MenuItem.shape.soldOut.default(false),
    popular: MenuItem.shape.popular.default(false),
  })
  .strict();
export const PatchMenuItem = nonEmpty(MenuItem.omit({ id: true, shopId: true }).partial().strict());

const AdFields = Ad.omit({ id: true }).extend({ status: AdStatus.default("active"), product: AdProduct });
export const CreateAd = AdFields.strict().refine((ad) => Date.parse(ad.startsAt) < Date.parse(ad.endsAt), {
  message: "must be after startsAt",
  path: ["endsAt"],
});
// The window is checked again against the stored ad when only one end is patched.
export const PatchAd = nonEmpty(Ad.omit({ id: true, shopId: true }).partial().strict());

function nonEmpty<S extends z.ZodObject>(schema: S) {
  return schema.refine((value) => Object.keys(value).length > 0, { message: "no field to change" });
}

export type CreateOwner = z.infer<typeof CreateOwner>;
export type PatchOwner = z.infer<typeof PatchOwner>;
export type CreateShop = z.infer<typeof CreateShop>;
export type PatchShop = z.infer<typeof PatchShop>;
export type CreateMenuItem = z.infer<typeof CreateMenuItem>;
export type PatchMenuItem = z.infer<typeof PatchMenuItem>;
export type CreateAd = z.infer<typeof CreateAd>;
export type PatchAd = z.infer<typeof PatchAd>;

/** Every command answer carries the affected shop's new version, for read-your-writes (`X-Min-Version` at the edge). */
export const ShopVersion = z.object({ id: z.string(), version: z.number().int() });
export const OwnerResult = Owner.extend({ shops: z.array(ShopVersion) });
export const ShopResult = Shop;
export const MenuItemResult = MenuItem.extend({ version: z.number().int() });
export const AdResult = Ad.extend({ version: z.number().int() });
export const DeletedResult = z.object({
  id: z.string(),
  deleted: z.literal(true),
  version: z.number().int().optional(),
});
