import { describe, expect, it } from "vitest";
import { ShopStateResponse, ShopsStateResponse } from "../../contract/index.ts";
import { engines } from "../../tests/databases.ts";
import { ownerInput, shopInput, useOrigin } from "../test/fixture.ts";

describe.each(engines())("batched state read GET /state/shops/batch on $name", (engine) => {
  const t = useOrigin(engine);

  it("answers many shops from one snapshot, equal to the single reads, with tombstones and unknown ids", async () => {
    const owner = await t.api.ok("POST", "/owners", ownerInput);
    const a = await t.api.ok("POST", "/shops", shopInput(owner.id));
    const b = await t.api.ok("POST", "/shops", shopInput(owner.id, { category: "pizza" }));
    const gone = await t.api.ok("POST", "/shops", shopInput(owner.id));
    await t.api.ok("POST", `/shops/${a.id}/menus`, { name: "후라이드", price: 18000 });
    await t.api.ok("POST", `/shops/${a.id}/menus`, { name: "양념", price: 19000 });
    await t.api.ok("POST", `/shops/${b.id}/menus`, { name: "페퍼로니", price: 21000 });
    await t.api.ok("POST", "/ads", {
      shopId: b.id,
      product: "ultra_call",
      regions: ["gangnam"],
      startsAt: "2026-01-01T00:00:00Z",
      endsAt: "2027-01-01T00:00:00Z",
      bid: 3000,
    });
    await t.api.ok("DELETE", `/shops/${gone.id}`);

    const ids = [a.id, "s_nobody", b.id, gone.id];
    const res = await t.api.call("GET", `/state/shops/batch?ids=${ids.join(",")}`);
    expect(res.status).toBe(200);
    const batch = ShopsStateResponse.parse(res.json);
    expect(batch.missing).toEqual(["s_nobody"]);
    expect(batch.shops.map((s) => s.id).sort()).toEqual([a.id, b.id, gone.id].sort());
    for (const id of [a.id, b.id, gone.id]) {
      const single = ShopStateResponse.parse((await t.api.call("GET", `/state/shops/${id}`)).json);
      expect(single.seq).toBe(batch.seq); // nothing committed in between: the same snapshot
      expect(batch.shops.find((s) => s.id === id)).toEqual(single.shop);
    }
    expect(batch.shops.find((s) => s.id === gone.id)).toMatchObject({ deleted: true, menus: [], ads: [] });
  });

  it("refuses an empty, oversized or malformed id list with the field named", async () => {
    for (const query of [
      "",
      "?ids=",
      `?ids=${Array.from({ length: 201 }, (_, i) => `s_${i}`).join(",")}`,
      "?ids=a%20b",
    ]) {
      const res = await t.api.call("GET", `/state/shops/batch${query}`);
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(res.json.error.details)).toContain("ids");
    }
  });
});
