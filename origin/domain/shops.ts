import {
  AppError,
  type CreateOwner,
  type CreateShop,
  type Owner,
  type PatchOwner,
  type PatchShop,
  type Shop,
} from "../../contract/index.ts";
import type { Sql } from "../db/sql.ts";
import { newId } from "./ids.ts";
import { changeFrom, recordChange } from "./outbox.ts";
import { OWNER_COLUMNS, SHOP_COLUMNS, setClause, toOwner, toShop } from "./rows.ts";

/** Owner fields that appear on the shop page: changing one changes every shop's document. */
const PUBLIC_OWNER_FIELDS = new Set(["name", "businessName", "businessNumber"]);

export async function findOwner(tx: Sql, id: string, lock = false): Promise<Owner> {
  const [row] = await tx.query(
    `SELECT ${OWNER_COLUMNS} FROM owners WHERE id = $1 AND NOT deleted${lock ? " FOR UPDATE" : ""}`,
    [id],
  );
  if (!row) throw new AppError("not_found", `owner ${id} not found`, { details: { field: "ownerId", id } });
  return toOwner(row);
}

export async function findLiveShop(tx: Sql, id: string): Promise<Shop> {
  const [row] = await tx.query(`SELECT ${SHOP_COLUMNS} FROM shops WHERE id = $1 AND NOT deleted`, [id]);
  if (!row) throw new AppError("not_found", `shop ${id} not found`, { details: { field: "shopId", id } });
  return toShop(row);
}

/** Every change to a shop's menus, ads or public owner fields raises the shop's version: the query side's guards and read-your-writes compare it. */
export async function bumpShop(tx: Sql, shopId: string): Promise<number> {
  const [row] = await tx.query<{ version: unknown }>(
    "UPDATE shops SET version = version + 1, updated_at = now() WHERE id = $1 AND NOT deleted RETURNING version",
    [shopId],
  );
  if (!row)
    throw new AppError("not_found", `shop ${shopId} not found`, { details: { field: "shopId", id: shopId } });
  return Number(row.version);
}

export async function createOwner(tx: Sql, input: CreateOwner, id = newId("o")) {
  await tx.query(`INSERT INTO owners (${OWNER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
    id,
    input.name,
    input.businessName,
    input.businessNumber,
    input.phone,
    input.email,
    input.bankAccount,
  ]);
  await recordChange(tx, { type: "owner", id });
  return { ...(await findOwner(tx, id)), shops: [] };
}

export async function patchOwner(tx: Sql, id: string, patch: PatchOwner) {
  await findOwner(tx, id, true);
  const set = setClause(patch, 2);
  await tx.query(`UPDATE owners SET ${set.sql} WHERE id = $1`, [id, ...set.params]);
  const touchesPublic = Object.keys(patch).some((field) => PUBLIC_OWNER_FIELDS.has(field));
  // Private-only edits (phone, email, account) change no document, so no shop version moves.
  const shops = touchesPublic
    ? await tx.query<{ id: string; version: unknown }>(
        "UPDATE shops SET version = version + 1, updated_at = now() WHERE owner_id = $1 AND NOT deleted RETURNING id, version",
        [id],
      )
    : await tx.query<{ id: string; version: unknown }>(
        "SELECT id, version FROM shops WHERE owner_id = $1 AND NOT deleted",
        [id],
      );
  await recordChange(tx, { type: "owner", id });
  const owner = await findOwner(tx, id);
  return { ...owner, shops: shops.map((s) => ({ id: s.id, version: Number(s.version) })).sort(byId) };
}

export async function deleteOwner(tx: Sql, id: string) {
  await findOwner(tx, id, true);
  const [live] = await tx.query("SELECT 1 FROM shops WHERE owner_id = $1 AND NOT deleted LIMIT 1", [id]);
  if (live)
    throw new AppError("conflict", `owner ${id} still has shops; delete them first`, { details: { id } });
  await tx.query("UPDATE owners SET deleted = true WHERE id = $1", [id]);
  await recordChange(tx, { type: "owner", id });
  return { id, deleted: true as const };
}

export async function createShop(tx: Sql, input: CreateShop, id = newId("s")): Promise<Shop> {
  await findOwner(tx, input.ownerId);
  await tx.query(
    `INSERT INTO shops (id, owner_id, name, category, regions, address, phone, min_order, delivery_fee,
       open_hours, status, rating, review_count)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      id,
      input.ownerId,
      input.name,
      input.category,
      JSON.stringify(input.regions),
      input.address,
      input.phone,
      input.minOrder,
      input.deliveryFee,
      input.openHours,
      input.status,
      input.rating,
      input.reviewCount,
    ],
  );
  await recordChange(tx, { type: "shop", id, shopId: id });
  return findLiveShop(tx, id);
}

/** One statement (the change, its outbox row and the answer): the command needs no BEGIN or COMMIT. */
export async function patchShop(tx: Sql, id: string, patch: PatchShop): Promise<Shop> {
  const set = setClause(patch, 2);
  const [row] = await tx.query(
    `WITH shop AS (
       UPDATE shops SET ${set.sql}${set.sql ? ", " : ""}version = version + 1, updated_at = now()
       WHERE id = $1 AND NOT deleted RETURNING ${SHOP_COLUMNS}),
     change AS (${changeFrom("shop", "id", "id", "shop")})
     SELECT * FROM shop`,
    [id, ...set.params],
  );
  if (!row) throw new AppError("not_found", `shop ${id} not found`, { details: { field: "shopId", id } });
  return toShop(row);
}

/** Shops are soft-deleted: the state API keeps answering a tombstone so every reader converges. */
export async function deleteShop(tx: Sql, id: string) {
  const version = await bumpShop(tx, id);
  await tx.query("UPDATE shops SET deleted = true WHERE id = $1", [id]);
  await recordChange(tx, { type: "shop", id, shopId: id });
  return { id, deleted: true as const, version };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
