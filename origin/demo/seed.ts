import type { Database, Sql } from "../db/sql.ts";
import { type DemoData, demoChunks } from "./generate.ts";

const CHUNK = 2000;

/**
 * Seeds the demo data on first start of an empty database, in one transaction with one change-feed
 * row per shop. A bulk import is not live traffic: its rows are written as already relayed, so the
 * query side builds them through catch-up, in its bulk lane, and live changes made meanwhile are
 * not queued behind 100,000 imported shops. Returns false when the database already has shops (a
 * second start reuses the data).
 */
export async function seedDemoIfEmpty(
  db: Database,
  options: { shops: number; seed: number; now?: number; regions?: number },
): Promise<boolean> {
  if (options.shops <= 0) return false;
  const demo = { ...options, now: options.now ?? Date.now() };
  const seeded = await db.transaction(async (tx) => {
    const [existing] = await tx.query("SELECT 1 FROM shops LIMIT 1");
    if (existing) return false;
    // Generated and inserted a chunk at a time: a national catalogue never sits in memory whole.
    const ids: string[] = [];
    for (const chunk of demoChunks(demo, CHUNK)) {
      await insertDemo(tx, chunk);
      for (const shop of chunk.shops) ids.push(shop.id);
    }
    const [row] = await tx.query<{ value: unknown }>(
      "UPDATE seq_counter SET value = value + $1 WHERE id = 1 RETURNING value",
      [ids.length],
    );
    const first = Number(row?.value) - ids.length + 1;
    await tx.query(
      `INSERT INTO outbox (seq, type, id, shop_id, delivered_at)
       SELECT $1::bigint + t.ord - 1, 'shop', t.id, t.id, now() FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY AS t(id, ord)`,
      [first, JSON.stringify(ids)],
    );
    await tx.query("INSERT INTO meta (key, value) VALUES ('demo', $1)", [
      JSON.stringify({
        shops: options.shops,
        regions: options.regions ?? 10,
        seed: options.seed,
        at: new Date().toISOString(),
      }),
    ]);
    return true;
  });
  // Fresh statistics for the planner: right after a bulk load, autovacuum has not analyzed the
  // tables yet, and the first state reads of a national catalogue would plan as if they were empty.
  if (seeded) await db.query("ANALYZE");
  return seeded;
}

/** Bulk insert through jsonb_to_recordset: one parameter per chunk, identical on PGlite and Postgres. */
async function insertDemo(tx: Sql, data: DemoData): Promise<void> {
  const tables: [string, string, string, object[]][] = [
    [
      "owners",
      "id, name, business_name, business_number, phone, email, bank_account",
      'id text, name text, "businessName" text, "businessNumber" text, phone text, email text, "bankAccount" text',
      data.owners,
    ],
    [
      "shops",
      "id, owner_id, name, category, regions, address, phone, min_order, delivery_fee, open_hours, status, rating, review_count, created_at",
      'id text, "ownerId" text, name text, category text, regions jsonb, address text, phone text, "minOrder" int, "deliveryFee" int, "openHours" text, status text, rating float8, "reviewCount" int, "createdAt" timestamptz',
      data.shops,
    ],
    [
      "menus",
      "id, shop_id, name, price, description, sold_out, popular",
      'id text, "shopId" text, name text, price int, description text, "soldOut" boolean, popular boolean',
      data.menus,
    ],
    [
      "ads",
      "id, shop_id, product, regions, starts_at, ends_at, bid, status",
      'id text, "shopId" text, product text, regions jsonb, "startsAt" timestamptz, "endsAt" timestamptz, bid int, status text',
      data.ads,
    ],
  ];
  for (const [table, columns, record, rows] of tables) {
    const fields = record
      .split(", ")
      .map((f) => f.split(" ")[0])
      .join(", ");
    for (let i = 0; i < rows.length; i += CHUNK) {
      await tx.query(
        `INSERT INTO ${table} (${columns}) SELECT ${fields} FROM jsonb_to_recordset($1::jsonb) AS x(${record})`,
        [JSON.stringify(rows.slice(i, i + CHUNK))],
      );
    }
  }
}
