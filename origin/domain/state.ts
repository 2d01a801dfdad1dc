import {
  AppError,
  type Category,
  type ChangesResponse,
  type ListShop,
  type ShopAggregate,
} from "../../contract/index.ts";
import type { Database } from "../db/sql.ts";
import { changesAfter, currentSeq } from "./outbox.ts";
import {
  AD_COLUMNS,
  MENU_COLUMNS,
  SHOP_COLUMNS,
  STATE_OWNER_COLUMNS,
  toAd,
  toMenu,
  toShop,
  toStateOwner,
} from "./rows.ts";

/**
 * State API reads (docs/adopting.md#the-state-api). Each runs in one snapshot transaction, so the `seq` watermark and the
 * data describe the same moment: a reader never pairs new data with an old seq or the reverse.
 */
export function shopState(db: Database, id: string): Promise<{ seq: number; shop: ShopAggregate }> {
  return db.transaction(async (tx) => {
    const seq = await currentSeq(tx);
    const [row] = await tx.query(`SELECT ${SHOP_COLUMNS} FROM shops WHERE id = $1`, [id]);
    if (!row) throw new AppError("not_found", `shop ${id} not found`, { details: { id } });
    const shop = toShop(row);
    const [ownerRow] = await tx.query(`SELECT ${STATE_OWNER_COLUMNS} FROM owners WHERE id = $1`, [
      shop.ownerId,
    ]);
    if (!ownerRow) throw new AppError("internal", `shop ${id} has no owner row`);
    // A tombstone carries the last version and no menus or ads: enough to retire every document.
    const menus = shop.deleted
      ? []
      : (await tx.query(`SELECT ${MENU_COLUMNS} FROM menus WHERE shop_id = $1 ORDER BY pos`, [id])).map(
          toMenu,
        );
    const ads = shop.deleted
      ? []
      : (await tx.query(`SELECT ${AD_COLUMNS} FROM ads WHERE shop_id = $1 ORDER BY id`, [id])).map(toAd);
    return { seq, shop: { ...shop, menus, ads, owner: toStateOwner(ownerRow) } };
  }, "snapshot");
}

/**
 * Many shops from one snapshot with four set-based queries (shops, owners, menus, ads) and the
 * watermark, never one query per shop: what a resync, a catch-up or a busy batch of events reads.
 */
export function shopsState(db: Database, ids: readonly string[]) {
  return db.transaction(async (tx) => {
    const param = [`{${ids.join(",")}}`]; // ids match Id: no quoting needed
    const asked = "SELECT id, owner_id, deleted FROM shops WHERE id = ANY($1::text[])";
    // Independent of each other's answers, so sent together: one round trip for the five reads
    // (postgres.js pipelines queries issued at once on a transaction's connection).
    const [seq, shopRows, ownerRows, menuRows, adRows] = await Promise.all([
      currentSeq(tx),
      tx.query(`SELECT ${SHOP_COLUMNS} FROM shops WHERE id = ANY($1::text[]) ORDER BY id`, param),
      tx.query(
        `SELECT ${STATE_OWNER_COLUMNS} FROM owners WHERE id IN (SELECT owner_id FROM (${asked}) s)`,
        param,
      ),
      tx.query(
        `SELECT ${MENU_COLUMNS} FROM menus WHERE shop_id IN (SELECT id FROM (${asked}) s WHERE NOT deleted)
         ORDER BY shop_id, pos`,
        param,
      ),
      tx.query(
        `SELECT ${AD_COLUMNS} FROM ads WHERE shop_id IN (SELECT id FROM (${asked}) s WHERE NOT deleted) ORDER BY id`,
        param,
      ),
    ]);
    const [shops, owners, menus, ads] = [
      shopRows.map(toShop),
      ownerRows.map(toStateOwner),
      menuRows.map(toMenu),
      adRows.map(toAd),
    ];
    const ownerOf = new Map(owners.map((o) => [o.id, o]));
    const group = <T extends { shopId: string }>(rows: T[]) => {
      const by = new Map<string, T[]>();
      for (const r of rows) {
        const list = by.get(r.shopId);
        if (list) list.push(r);
        else by.set(r.shopId, [r]);
      }
      return by;
    };
    const [menusOf, adsOf] = [group(menus), group(ads)];
    const found = new Set(shops.map((s) => s.id));
    return {
      seq,
      shops: shops.map((shop) => {
        const owner = ownerOf.get(shop.ownerId);
        if (!owner) throw new AppError("internal", `shop ${shop.id} has no owner row`);
        return { ...shop, menus: menusOf.get(shop.id) ?? [], ads: adsOf.get(shop.id) ?? [], owner };
      }),
      missing: ids.filter((id) => !found.has(id)),
    };
  }, "snapshot");
}

export function listState(
  db: Database,
  region: string,
  category: Category,
): Promise<{ seq: number; shops: ListShop[] }> {
  return db.transaction(async (tx) => {
    const seq = await currentSeq(tx);
    const shops = (
      await tx.query(
        `SELECT ${SHOP_COLUMNS} FROM shops WHERE category = $1 AND regions ? $2 AND NOT deleted ORDER BY id`,
        [category, region],
      )
    ).map(toShop);
    const ads = shops.length
      ? (
          await tx.query(`SELECT ${AD_COLUMNS} FROM ads WHERE shop_id = ANY($1::text[]) ORDER BY id`, [
            `{${shops.map((s) => s.id).join(",")}}`,
          ])
        ).map(toAd)
      : [];
    return { seq, shops: shops.map((s) => ({ ...s, ads: ads.filter((a) => a.shopId === s.id) })) };
  }, "snapshot");
}

export function ownerState(db: Database, id: string) {
  return db.transaction(async (tx) => {
    const seq = await currentSeq(tx);
    const [row] = await tx.query(`SELECT ${STATE_OWNER_COLUMNS} FROM owners WHERE id = $1 AND NOT deleted`, [
      id,
    ]);
    if (!row) throw new AppError("not_found", `owner ${id} not found`, { details: { id } });
    const shops = await tx.query<{ id: string }>(
      "SELECT id FROM shops WHERE owner_id = $1 AND NOT deleted ORDER BY id",
      [id],
    );
    return { seq, owner: toStateOwner(row), shopIds: shops.map((s) => s.id) };
  }, "snapshot");
}

export function changes(
  db: Database,
  q: { after?: number | undefined; since?: string | undefined; limit: number },
): Promise<ChangesResponse> {
  return db.transaction(async (tx) => {
    const watermark = await currentSeq(tx);
    const rows = await changesAfter(tx, q);
    const last = rows.at(-1);
    // Nothing new: a `since` reader has seen everything up to the watermark; an `after` reader stays put.
    const next = last ? last.seq : q.after !== undefined ? q.after : watermark;
    return { changes: rows, next };
  }, "snapshot");
}

/** Enumeration for a full resync, deleted shops included so their tombstones are written too. */
export async function shopIds(db: Database, q: { after?: string | undefined; limit: number }) {
  const rows = await db.query<{ id: string }>("SELECT id FROM shops WHERE id > $1 ORDER BY id LIMIT $2", [
    q.after ?? "",
    q.limit,
  ]);
  const ids = rows.map((r) => r.id);
  return { ids, next: ids.length === q.limit ? (ids.at(-1) ?? null) : null };
}
