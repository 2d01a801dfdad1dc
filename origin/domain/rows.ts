import type { Ad, MenuItem, Owner, Shop, StateOwner } from "../../contract/index.ts";
import type { Row } from "../db/sql.ts";

/** Row → contract shape. Postgres servers answer bigint as text and PGlite as number: Number() both. */
const iso = (v: unknown) => (v instanceof Date ? v : new Date(String(v))).toISOString();

export const OWNER_COLUMNS = "id, name, business_name, business_number, phone, email, bank_account";
/** What the state API reads of an owner: the private columns are never selected for it. */
export const STATE_OWNER_COLUMNS = "id, name, business_name, business_number";
export const SHOP_COLUMNS =
  "id, owner_id, name, category, regions, address, phone, min_order, delivery_fee, open_hours, status, rating, review_count, created_at, deleted, version";
export const MENU_COLUMNS = "id, shop_id, name, price, description, sold_out, popular";
export const AD_COLUMNS = "id, shop_id, product, regions, starts_at, ends_at, bid, status";

export function toOwner(r: Row): Owner {
  return {
    id: String(r.id),
    name: String(r.name),
    businessName: String(r.business_name),
    businessNumber: String(r.business_number),
    phone: String(r.phone),
    email: String(r.email),
    bankAccount: String(r.bank_account),
  };
}

export function toStateOwner(r: Row): StateOwner {
  return {
    id: String(r.id),
    name: String(r.name),
    businessName: String(r.business_name),
    businessNumber: String(r.business_number),
  };
}

export function toShop(r: Row): Shop {
  return {
    id: String(r.id),
    ownerId: String(r.owner_id),
    name: String(r.name),
    category: r.category as Shop["category"],
    regions: r.regions as string[],
    address: String(r.address),
    phone: String(r.phone),
    minOrder: Number(r.min_order),
    deliveryFee: Number(r.delivery_fee),
    openHours: String(r.open_hours),
    status: r.status as Shop["status"],
    rating: Number(r.rating),
    reviewCount: Number(r.review_count),
    createdAt: iso(r.created_at),
    deleted: Boolean(r.deleted),
    version: Number(r.version),
  };
}

export function toMenu(r: Row): MenuItem {
  return {
    id: String(r.id),
    shopId: String(r.shop_id),
    name: String(r.name),
    price: Number(r.price),
    description: String(r.description),
    soldOut: Boolean(r.sold_out),
    popular: Boolean(r.popular),
  };
}

export function toAd(r: Row): Ad {
  return {
    id: String(r.id),
    shopId: String(r.shop_id),
    product: r.product as Ad["product"],
    regions: r.regions as string[],
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    bid: Number(r.bid),
    status: r.status as Ad["status"],
  };
}

/** camelCase field → column, for partial updates built from a validated patch. */
export const COLUMN_OF: Record<string, string> = {
  businessName: "business_name",
  businessNumber: "business_number",
  bankAccount: "bank_account",
  minOrder: "min_order",
  deliveryFee: "delivery_fee",
  openHours: "open_hours",
  reviewCount: "review_count",
  soldOut: "sold_out",
  startsAt: "starts_at",
  endsAt: "ends_at",
};

/**
 * Builds `col = $n, ...` from a patch whose keys were validated by a strict zod schema, so no key
 * here is user-chosen SQL. Arrays go in as jsonb.
 */
export function setClause(patch: Record<string, unknown>, startAt = 1): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const column = COLUMN_OF[field] ?? field;
    params.push(Array.isArray(value) ? JSON.stringify(value) : value);
    parts.push(`${column} = $${startAt + params.length - 1}${Array.isArray(value) ? "::jsonb" : ""}`);
  }
  return { sql: parts.join(", "), params };
}
