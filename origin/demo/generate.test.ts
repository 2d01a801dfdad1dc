import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ad, CATEGORIES, isAdLive, MenuItem, Owner, Shop } from "../../contract/index.ts";
import { engines } from "../../tests/databases.ts";
import type { Database } from "../db/sql.ts";
import { DEMO_REGIONS, demoChunks, demoRegions, generateDemo } from "./generate.ts";
import { seedDemoIfEmpty } from "./seed.ts";

const NOW = Date.parse("2026-11-26T12:00:00Z");
const HOUR = 3_600_000;

describe("demo data generator", () => {
  const data = generateDemo({ shops: 2000, seed: 7, now: NOW });

  it("is deterministic for a seed and valid against the contract", () => {
    expect(generateDemo({ shops: 2000, seed: 7, now: NOW })).toEqual(data);
    expect(generateDemo({ shops: 50, seed: 8, now: NOW }).shops[0]).not.toEqual(data.shops[0]);
    for (const owner of data.owners) Owner.parse(owner);
    for (const shop of data.shops) Shop.parse(shop);
    for (const menu of data.menus.slice(0, 500)) MenuItem.parse(menu);
    for (const ad of data.ads) Ad.parse(ad);
  });

  it("covers at least 8 regions and all 10 categories, with 5–30 menu items per shop", () => {
    expect(new Set(data.shops.flatMap((s) => s.regions)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(data.shops.map((s) => s.category))).toEqual(new Set(CATEGORIES));
    const perShop = new Map<string, number>();
    for (const m of data.menus) perShop.set(m.shopId, (perShop.get(m.shopId) ?? 0) + 1);
    expect(perShop.size).toBe(2000);
    expect(Math.min(...perShop.values())).toBeGreaterThanOrEqual(5);
    expect(Math.max(...perShop.values())).toBeLessThanOrEqual(30);
    expect(DEMO_REGIONS.length).toBeGreaterThanOrEqual(8);
  });

  it("has owners with private fields, and ads of both products: live, starting and ending within the hour", () => {
    expect(data.owners.every((o) => o.bankAccount && o.email && o.phone)).toBe(true);
    expect(new Set(data.ads.map((a) => a.product))).toEqual(new Set(["open_list", "ultra_call"]));
    const live = data.ads.filter((a) => isAdLive(a, NOW));
    const starting = data.ads.filter(
      (a) => !isAdLive(a, NOW) && isAdLive(a, NOW + HOUR) && a.status === "active",
    );
    const ending = data.ads.filter((a) => isAdLive(a, NOW) && !isAdLive(a, NOW + HOUR));
    expect(live.length).toBeGreaterThan(100);
    expect(starting.length).toBeGreaterThan(10);
    expect(ending.length).toBeGreaterThan(10);
    // Even a four-shop demo shows each timing.
    const tiny = generateDemo({ shops: 4, seed: 1, now: NOW }).ads;
    expect(tiny.filter((a) => isAdLive(a, NOW)).length).toBeGreaterThanOrEqual(2);
    expect(tiny.some((a) => !isAdLive(a, NOW) && isAdLive(a, NOW + HOUR))).toBe(true);
  });
});

describe("national catalogue shape (DEMO_REGIONS beyond the ten named)", () => {
  const options = { shops: 20_000, seed: 7, now: NOW, regions: 500 };
  const data = generateDemo(options);

  it("delivers each shop to 5–20 neighbouring regions, region sizes skewed", () => {
    const counts = data.shops.map((s) => s.regions.length);
    expect(Math.min(...counts)).toBe(5);
    expect(Math.max(...counts)).toBe(20);
    expect(data.shops.every((s) => new Set(s.regions).size === s.regions.length)).toBe(true);
    const perList = new Map<string, number>();
    for (const s of data.shops)
      for (const r of s.regions)
        perList.set(`${r}:${s.category}`, (perList.get(`${r}:${s.category}`) ?? 0) + 1);
    const sizes = [...perList.values()].sort((a, b) => a - b);
    // Zipf-like: the busiest lists are many times the median one.
    expect(sizes.at(-1) as number).toBeGreaterThan(20 * (sizes[sizes.length >> 1] as number));
    expect(new Set(data.shops.flatMap((s) => s.regions))).toEqual(new Set(demoRegions(500)));
    for (const shop of data.shops.slice(0, 200)) Shop.parse(shop);
  });

  it("keeps the demo ids and the named regions first, and streams the same rows in chunks", () => {
    expect(data.shops[0]?.id).toBe("s_demo_000001");
    expect(demoRegions(500).slice(0, 10)).toEqual([...DEMO_REGIONS]);
    expect(demoRegions(500)[10]).toBe("dong-011");
    const chunks = [...demoChunks(options, 3000)];
    expect(chunks.map((c) => c.shops.length)).toEqual([3000, 3000, 3000, 3000, 3000, 3000, 2000]);
    expect(chunks.flatMap((c) => c.menus)).toEqual(data.menus);
  });
});

describe.each(engines())("demo seeding on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
  });
  afterAll(() => db.close());

  it("seeds an empty database once, with one change per shop, and a second start reuses it", async () => {
    expect(await seedDemoIfEmpty(db, { shops: 300, seed: 3, now: NOW })).toBe(true);
    expect(await seedDemoIfEmpty(db, { shops: 300, seed: 3, now: NOW })).toBe(false);
    const [counts] = await db.query<Record<string, unknown>>(
      "SELECT (SELECT count(*) FROM shops) AS shops, (SELECT count(*) FROM outbox) AS changes, (SELECT value FROM seq_counter) AS seq",
    );
    expect({
      shops: Number(counts?.shops),
      changes: Number(counts?.changes),
      seq: Number(counts?.seq),
    }).toEqual({
      shops: 300,
      changes: 300,
      seq: 300,
    });
    const expected = generateDemo({ shops: 300, seed: 3, now: NOW });
    const [menus] = await db.query<{ n: unknown }>("SELECT count(*) AS n FROM menus");
    expect(Number(menus?.n)).toBe(expected.menus.length);
  });
});
