import { z } from "zod";

/** Domain vocabulary of the command side. Field names are camelCase everywhere. */
export const CATEGORIES = [
  "chicken",
  "pizza",
  "korean",
  "chinese",
  "japanese",
  "snack",
  "cafe",
  "burger",
  "jokbal",
  "night",
] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

export const ShopStatus = z.enum(["open", "paused", "closed"]);
export const AdProduct = z.enum(["open_list", "ultra_call"]);
export const AdStatus = z.enum(["active", "paused"]);

/** Ids travel in URLs and document keys, so they stay URL- and key-safe. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const Id = z.string().regex(ID_PATTERN, "must be 1-64 characters of A-Z a-z 0-9 _ -");
/** Regions are delivery-area slugs such as `gangnam`; they appear in document keys. */
export const REGION_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;
export const Region = z.string().regex(REGION_PATTERN, "must be a lowercase slug like gangnam");
export const Regions = z.array(Region).min(1).max(50);
export const OpenHours = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, "must be HH:MM-HH:MM");
export const IsoDateTime = z.iso.datetime({ offset: true });
const Won = z.number().int().min(0).max(100_000_000);
const Text = (max: number) => z.string().trim().min(1).max(max);

export const Owner = z.object({
  id: Id,
  name: Text(100),
  businessName: Text(200),
  businessNumber: z.string().regex(/^\d{3}-\d{2}-\d{5}$/, "must look like 123-45-67890"),
  // Private fields: they never leave the command side (see StateOwner).
  phone: z.string().regex(/^[0-9+\- ]{6,20}$/, "must be a phone number"),
  email: z.email(),
  bankAccount: Text(64),
});
export type Owner = z.infer<typeof Owner>;
export const OWNER_PRIVATE_FIELDS = ["phone", "email", "bankAccount"] as const;
/**
 * The owner as the state API answers it: no document needs the private fields, so they never
 * leave the command side, not even to the query side (docs/security.md).
 */
export const StateOwner = Owner.omit({ phone: true, email: true, bankAccount: true });
export type StateOwner = z.infer<typeof StateOwner>;

export const Shop = z.object({
  id: Id,
  ownerId: Id,
  name: Text(100),
  category: Category,
  regions: Regions,
  address: Text(300),
  phone: z.string().regex(/^[0-9+\- ]{6,20}$/, "must be a phone number"),
  minOrder: Won,
  deliveryFee: Won,
  openHours: OpenHours,
  status: ShopStatus,
  rating: z.number().min(0).max(5),
  reviewCount: z.number().int().min(0),
  createdAt: IsoDateTime,
  deleted: z.boolean(),
  version: z.number().int().min(1),
});
export type Shop = z.infer<typeof Shop>;

export const MenuItem = z.object({
  id: Id,
  shopId: Id,
  name: Text(100),
  price: Won,
  description: z.string().max(1000),
  soldOut: z.boolean(),
  popular: z.boolean(),
});
export type MenuItem = z.infer<typeof MenuItem>;

export const Ad = z.object({
  id: Id,
  shopId: Id,
  product: AdProduct,
  regions: Regions,
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  bid: z.number().int().min(0).max(100_000_000),
  status: AdStatus,
});
export type Ad = z.infer<typeof Ad>;

/** An ad is live while active and startsAt ≤ now < endsAt: it changes with the clock, with no event. */
export function isAdLive(ad: Pick<Ad, "status" | "startsAt" | "endsAt">, now: number): boolean {
  return ad.status === "active" && Date.parse(ad.startsAt) <= now && now < Date.parse(ad.endsAt);
}
