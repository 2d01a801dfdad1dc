import { describe, expect, it } from "vitest";
import { ShopStateResponse } from "../../contract/index.ts";
import { engines } from "../../tests/databases.ts";
import { ownerInput, shopInput, useOrigin } from "../test/fixture.ts";

describe.each(engines())("command API → state API on $name", (engine) => {
  const t = useOrigin(engine);

  it("creates a shop with menus, ads and owner and reads the full state back with its seq", async () => {
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    const shop = await t.api.ok("POST", "/shops", shopInput(owner.id));
    expect(shop).toMatchObject({
      id: expect.stringMatching(/^s_/),
      version: 1,
      status: "open",
      deleted: false,
    });
    const menu = await t.api.ok("POST", `/shops/${shop.id}/menus`, { name: "후라이드", price: 18000 });
    expect(menu).toMatchObject({ shopId: shop.id, soldOut: false, version: 2 });
    const ad = await t.api.ok("POST", "/ads", {
      shopId: shop.id,
      product: "open_list",
      regions: ["gangnam"],
      startsAt: "2026-01-01T00:00:00Z",
      endsAt: "2027-01-01T00:00:00Z",
      bid: 5000,
    });
    expect(ad).toMatchObject({ status: "active", version: 3 });

    const state = ShopStateResponse.parse((await t.api.call("GET", `/state/shops/${shop.id}`)).json);
    expect(state.seq).toBe(4); // owner, shop, menu, ad: one change each
    expect(state.shop).toMatchObject({
      name: "원조 치킨 강남점 🍗",
      version: 3,
      regions: ["gangnam", "seocho"],
    });
    expect(state.shop.menus.map((m) => m.name)).toEqual(["후라이드"]);
    expect(state.shop.ads.map((a) => a.id)).toEqual([ad.id]);
    // The command side keeps the owner's private fields; the state API never carries them.
    expect(state.shop.owner).toEqual({
      id: owner.id,
      name: ownerInput.name,
      businessName: ownerInput.businessName,
      businessNumber: ownerInput.businessNumber,
    });
  });

  it("raises the version on every change to the shop, its menus, its ads and its owner's public fields", async () => {
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    const a = await t.api.ok("POST", "/shops", shopInput(owner.id));
    const b = await t.api.ok("POST", "/shops", shopInput(owner.id, { category: "pizza" }));
    expect((await t.api.ok("PATCH", `/shops/${a.id}`, { rating: 4.5, regions: ["mapo"] })).version).toBe(2);
    const menu = await t.api.ok("POST", `/shops/${a.id}/menus`, { name: "양념", price: 19000 });
    expect((await t.api.ok("PATCH", `/menus/${menu.id}`, { soldOut: true })).version).toBe(4);
    expect((await t.api.ok("DELETE", `/menus/${menu.id}`)).version).toBe(5);

    const renamed = await t.api.ok("PATCH", `/owners/${owner.id}`, { businessName: "새이름 주식회사" });
    expect(renamed.shops).toEqual(
      [
        { id: a.id, version: 6 },
        { id: b.id, version: 2 },
      ].sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
    // A private field is not on any page: no shop version moves.
    const privateOnly = await t.api.ok("PATCH", `/owners/${owner.id}`, { phone: "010-9999-0000" });
    expect(privateOnly.shops.find((s: { id: string }) => s.id === a.id).version).toBe(6);

    const state = (await t.api.call("GET", `/state/shops/${a.id}`)).json;
    expect(state.shop).toMatchObject({ rating: 4.5, regions: ["mapo"], version: 6, menus: [] });
    expect(state.shop.owner).toMatchObject({ businessName: "새이름 주식회사" });
    expect(state.shop.owner).not.toHaveProperty("phone");
  });

  it("answers a deleted shop as a tombstone and refuses further commands on it", async () => {
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    const shop = await t.api.ok("POST", "/shops", shopInput(owner.id));
    const menu = await t.api.ok("POST", `/shops/${shop.id}/menus`, { name: "후라이드", price: 18000 });
    expect(await t.api.ok("DELETE", `/shops/${shop.id}`)).toEqual({ id: shop.id, deleted: true, version: 3 });
    const feed = async () => (await t.api.call("GET", "/state/changes?limit=100")).json.changes.length;
    const changes = await feed();
    // The menu edit is one statement: a deleted shop refuses it whole — no item change, no event.
    const refused = await t.api.call("PATCH", `/menus/${menu.id}`, { price: 1 });
    expect(refused.status).toBe(404);
    expect(refused.json.error).toMatchObject({
      code: "not_found",
      details: { field: "shopId", id: shop.id },
    });
    expect(await feed()).toBe(changes);

    const state = (await t.api.call("GET", `/state/shops/${shop.id}`)).json;
    expect(state.shop).toMatchObject({ id: shop.id, deleted: true, version: 3, menus: [], ads: [] });
    expect((await t.api.call("PATCH", `/shops/${shop.id}`, { name: "x" })).status).toBe(404);
    expect((await t.api.call("DELETE", `/shops/${shop.id}`)).status).toBe(404);
    const owned = (await t.api.call("GET", `/state/owners/${owner.id}`)).json;
    expect(owned.shopIds).toEqual([]);
    expect((await t.api.ok("DELETE", `/owners/${owner.id}`)).deleted).toBe(true);
  });

  it("serves the list source for a (region, category) with ads, and owners with their shops", async () => {
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    const inList = await t.api.ok("POST", "/shops", shopInput(owner.id));
    await t.api.ok("POST", "/shops", shopInput(owner.id, { regions: ["mapo"] }));
    await t.api.ok("POST", "/shops", shopInput(owner.id, { category: "pizza" }));
    const ad = await t.api.ok("POST", "/ads", {
      shopId: inList.id,
      product: "ultra_call",
      regions: ["gangnam"],
      startsAt: "2026-01-01T00:00:00Z",
      endsAt: "2027-01-01T00:00:00Z",
      bid: 100,
    });
    const list = (await t.api.call("GET", "/state/shops?region=gangnam&category=chicken")).json;
    expect(list.seq).toBe(5);
    expect(list.shops.map((s: { id: string }) => s.id)).toEqual([inList.id]);
    expect(list.shops[0].ads.map((a: { id: string }) => a.id)).toEqual([ad.id]);
    const owned = (await t.api.call("GET", `/state/owners/${owner.id}`)).json;
    expect(owned.shopIds).toHaveLength(3);
    expect(owned.owner.id).toBe(owner.id);
  });

  it("refuses to delete an owner who still has shops", async () => {
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    await t.api.ok("POST", "/shops", shopInput(owner.id));
    const res = await t.api.call("DELETE", `/owners/${owner.id}`);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("conflict");
  });
});
