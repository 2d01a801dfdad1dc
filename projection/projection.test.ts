import { describe, expect, it } from "vitest";
import {
  type Ad,
  DetailDocument,
  type ListShop,
  MainDoc,
  ShopListDoc,
  type ShopStateResponse,
} from "../contract/index.ts";
import { nextAdBoundary, projectDetail } from "./detail.ts";
import { listKeysOf, projectList } from "./list.ts";
import { projectMain } from "./main.ts";
import { owner } from "./test-fixtures.ts";

const NOW = Date.parse("2026-11-26T12:00:00Z");
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const ad = (over: Partial<Ad>): Ad => ({
  id: "a_1",
  shopId: "s_1",
  product: "open_list",
  regions: ["gangnam"],
  startsAt: iso(NOW - H),
  endsAt: iso(NOW + H),
  bid: 100,
  status: "active",
  ...over,
});
const shop = (id: string, over: Partial<ListShop> = {}): ListShop => ({
  id,
  ownerId: "o_1",
  name: `가게 ${id}`,
  category: "chicken",
  regions: ["gangnam"],
  address: "서울",
  phone: "02-000-0000",
  minOrder: 10000,
  deliveryFee: 0,
  openHours: "11:00-23:00",
  status: "open",
  rating: 4,
  reviewCount: 10,
  createdAt: iso(NOW - 100 * H),
  deleted: false,
  version: 1,
  ads: [],
  ...over,
});

describe("shop detail projection", () => {
  const state: ShopStateResponse = {
    seq: 42,
    shop: {
      ...shop("s_1", { version: 7 }),
      menus: [
        {
          id: "m_1",
          shopId: "s_1",
          name: "후라이드",
          price: 18000,
          description: "",
          soldOut: false,
          popular: true,
        },
      ],
      ads: [
        ad({ id: "a_live" }),
        ad({ id: "a_later", startsAt: iso(NOW + 2 * H), endsAt: iso(NOW + 5 * H) }),
      ],
      owner,
    },
  };

  it("carries public fields, live ads only, and never a private field", () => {
    const doc = DetailDocument.parse(projectDetail(state, NOW));
    expect(doc).toMatchObject({ id: "s_1", version: 7, seq: 42, builtAt: iso(NOW), deleted: false });
    if (doc.deleted) throw new Error("unexpected tombstone");
    expect(doc.ads.map((a) => a.id)).toEqual(["a_live"]);
    expect(doc.owner).toEqual({ name: "김민준", businessName: "원조", businessNumber: "123-45-67890" });
    const text = JSON.stringify(doc);
    for (const secret of [owner.phone, owner.email, owner.bankAccount]) expect(text).not.toContain(secret);
    expect(text).not.toContain("shopId");
  });

  it("turns a deleted shop into a tombstone and finds the next ad boundary", () => {
    const dead = projectDetail({ seq: 50, shop: { ...state.shop, deleted: true, version: 8 } }, NOW);
    expect(dead).toEqual({ id: "s_1", deleted: true, version: 8, seq: 50, builtAt: iso(NOW) });
    expect(nextAdBoundary(state.shop.ads, NOW)).toBe(NOW + H);
    expect(nextAdBoundary([ad({ status: "paused" })], NOW)).toBeNull();
  });
});

describe("shop list and main projections", () => {
  const shops = [
    shop("s_plain_hi", { rating: 4.9 }),
    shop("s_plain_lo", { rating: 3.1 }),
    shop("s_ultra", { ads: [ad({ product: "ultra_call", bid: 999 })] }),
    shop("s_top_cheap", { ads: [ad({ bid: 10 })] }),
    shop("s_top_rich", { ads: [ad({ bid: 500 }), ad({ id: "a_2", product: "ultra_call", bid: 9000 })] }),
    shop("s_other_region_ad", { ads: [ad({ regions: ["mapo"], bid: 10_000 })] }),
    shop("s_paused", { status: "paused" }),
    shop("s_pizza", { category: "pizza" }),
  ];

  it("orders open_list by bid, then ultra_call, then rating; lists only open shops of the category", () => {
    const doc = ShopListDoc.parse(projectList("gangnam", "chicken", { seq: 9, shops }, NOW));
    expect(doc.shops.map((s) => s.id)).toEqual([
      "s_top_rich",
      "s_top_cheap",
      "s_ultra",
      "s_plain_hi",
      "s_other_region_ad",
      "s_plain_lo",
    ]);
    expect(doc.total).toBe(6);
    expect(doc.shops[0]?.ad).toEqual({ product: "open_list", bid: 500, endsAt: iso(NOW + H) });
    // An hour later every ad has ended: the same state projects to a plain rating order.
    const later = projectList("gangnam", "chicken", { seq: 9, shops }, NOW + 2 * H);
    expect(later.shops.every((s) => s.ad === null)).toBe(true);
  });

  it("builds main from the region's lists: counts for every category and featured live ads", () => {
    const chicken = projectList("gangnam", "chicken", { seq: 9, shops }, NOW);
    const pizza = projectList("gangnam", "pizza", { seq: 11, shops }, NOW);
    const main = MainDoc.parse(projectMain("gangnam", [chicken, pizza, null], NOW));
    expect(main.categories).toHaveLength(10);
    expect(main.categories.find((c) => c.category === "chicken")?.count).toBe(6);
    expect(main.categories.find((c) => c.category === "pizza")?.count).toBe(1);
    expect(main.categories.find((c) => c.category === "cafe")?.count).toBe(0);
    expect(main.featured.map((f) => f.id)).toEqual(["s_top_rich", "s_top_cheap", "s_ultra"]);
    expect(main.seq).toBe(11);
  });

  it("names the lists a shop belongs to, none once deleted", () => {
    expect(listKeysOf({ deleted: false, regions: ["mapo", "gangnam", "mapo"], category: "cafe" })).toEqual([
      "list:gangnam:cafe",
      "list:mapo:cafe",
    ]);
    expect(listKeysOf({ deleted: true, regions: ["mapo"], category: "cafe" })).toEqual([]);
  });
});
