import {
  AppError,
  type CreateAd,
  type CreateMenuItem,
  type PatchAd,
  type PatchMenuItem,
} from "../../contract/index.ts";
import type { Sql } from "../db/sql.ts";
import { newId } from "./ids.ts";
import { changeFrom, recordChange } from "./outbox.ts";
import { AD_COLUMNS, MENU_COLUMNS, setClause, toAd, toMenu } from "./rows.ts";
import { bumpShop } from "./shops.ts";

/** Menus and ads: each write raises the owning shop's version and records one zero-payload event. */
async function findItem<T>(
  tx: Sql,
  table: "menus" | "ads",
  id: string,
  map: (r: Record<string, unknown>) => T,
) {
  const columns = table === "menus" ? MENU_COLUMNS : AD_COLUMNS;
  const [row] = await tx.query(`SELECT ${columns} FROM ${table} WHERE id = $1`, [id]);
  const what = table === "menus" ? "menu item" : "ad";
  if (!row) throw new AppError("not_found", `${what} ${id} not found`, { details: { id } });
  return map(row);
}

export async function createMenuItem(tx: Sql, shopId: string, input: CreateMenuItem, id = newId("m")) {
  const version = await bumpShop(tx, shopId);
  await tx.query(
    `INSERT INTO menus (id, shop_id, name, price, description, sold_out, popular) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, shopId, input.name, input.price, input.description, input.soldOut, input.popular],
  );
  await recordChange(tx, { type: "menu", id, shopId });
  return { ...(await findItem(tx, "menus", id, toMenu)), version };
}

/**
 * One statement: the item's shop row first (its version; the lock order every writer keeps), then
 * the item, the outbox row and the answer, so the command needs no BEGIN or COMMIT.
 */
export async function patchMenuItem(tx: Sql, id: string, patch: PatchMenuItem) {
  const set = setClause(patch, 2);
  const [row] = await tx.query(
    `WITH item AS (SELECT shop_id FROM menus WHERE id = $1),
     shop AS (UPDATE shops SET version = version + 1, updated_at = now()
              WHERE id = (SELECT shop_id FROM item) AND NOT deleted RETURNING id, version),
     menu AS (UPDATE menus SET ${set.sql} WHERE id = $1 AND EXISTS (SELECT 1 FROM shop) RETURNING ${MENU_COLUMNS}),
     change AS (${changeFrom("menu", "$1", "id", "shop")})
     SELECT (SELECT shop_id FROM item) AS item_shop, shop.version AS shop_version, menu.*
     FROM (SELECT 1) AS one LEFT JOIN shop ON true LEFT JOIN menu ON true`,
    [id, ...set.params],
  );
  const shopId = row?.item_shop == null ? null : String(row.item_shop);
  if (shopId === null) throw new AppError("not_found", `menu item ${id} not found`, { details: { id } });
  if (row?.shop_version == null)
    throw new AppError("not_found", `shop ${shopId} not found`, { details: { field: "shopId", id: shopId } });
  return { ...toMenu(row), version: Number(row.shop_version) };
}

export async function deleteMenuItem(tx: Sql, id: string) {
  const before = await findItem(tx, "menus", id, toMenu);
  const version = await bumpShop(tx, before.shopId);
  await tx.query("DELETE FROM menus WHERE id = $1", [id]);
  await recordChange(tx, { type: "menu", id, shopId: before.shopId });
  return { id, deleted: true as const, version };
}

export async function createAd(tx: Sql, input: CreateAd, id = newId("a")) {
  const version = await bumpShop(tx, input.shopId);
  await tx.query(
    `INSERT INTO ads (id, shop_id, product, regions, starts_at, ends_at, bid, status)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)`,
    [
      id,
      input.shopId,
      input.product,
      JSON.stringify(input.regions),
      input.startsAt,
      input.endsAt,
      input.bid,
      input.status,
    ],
  );
  await recordChange(tx, { type: "ad", id, shopId: input.shopId });
  return { ...(await findItem(tx, "ads", id, toAd)), version };
}

export async function patchAd(tx: Sql, id: string, patch: PatchAd) {
  const before = await findItem(tx, "ads", id, toAd);
  const startsAt = patch.startsAt ?? before.startsAt;
  const endsAt = patch.endsAt ?? before.endsAt;
  if (Date.parse(startsAt) >= Date.parse(endsAt)) {
    throw new AppError("validation_failed", "Invalid body: endsAt: must be after startsAt", {
      details: [{ field: "endsAt", message: "must be after startsAt" }],
    });
  }
  const version = await bumpShop(tx, before.shopId);
  const set = setClause(patch, 2);
  await tx.query(`UPDATE ads SET ${set.sql} WHERE id = $1`, [id, ...set.params]);
  await recordChange(tx, { type: "ad", id, shopId: before.shopId });
  return { ...(await findItem(tx, "ads", id, toAd)), version };
}

export async function deleteAd(tx: Sql, id: string) {
  const before = await findItem(tx, "ads", id, toAd);
  const version = await bumpShop(tx, before.shopId);
  await tx.query("DELETE FROM ads WHERE id = $1", [id]);
  await recordChange(tx, { type: "ad", id, shopId: before.shopId });
  return { id, deleted: true as const, version };
}
