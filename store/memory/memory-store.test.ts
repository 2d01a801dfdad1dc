import { describe, expect, it } from "vitest";
import { listChange } from "../suites/kit.ts";
import { listStoreSuite } from "../suites/list-suite.ts";
import { recordStoreSuite } from "../suites/records-suite.ts";
import { servedStoreSuite } from "../suites/served-suite.ts";
import { createMemoryStore } from "./memory-store.ts";

servedStoreSuite("memory", async () => ({ store: createMemoryStore() }), {
  atomicGuard: true,
  notifies: true,
});

recordStoreSuite("memory", async () => ({ store: createMemoryStore() }));
listStoreSuite("memory", async () => ({ store: createMemoryStore() }), { atomic: true });

describe("memory store bounds", () => {
  const doc = (body: string) => ({ body, version: 1, seq: 1, builtAt: "2026-11-26T00:00:00.000Z" });
  // Like a shop detail: JSON with Korean text, different per shop, a few kilobytes.
  const detail = (i: number) =>
    JSON.stringify({
      id: `s_${i}`,
      name: `원조 치킨 ${i}호점 🍗`,
      menus: Array.from({ length: 25 }, (_, m) => ({
        id: `m_${i}_${m}`,
        name: `양념치킨 ${m}`,
        price: 1000 * m + i,
      })),
    });

  it("evicts the least recently used documents past its byte budget, never bookkeeping", async () => {
    const store = createMemoryStore({ maxBytes: 10_000 });
    await store.registerLists("s_1", { version: 1, seq: 1 }, ["list:mapo:cafe"]);
    // Random text: deflate cannot make it much smaller than it is.
    const noise = () => Array.from({ length: 25 }, () => crypto.randomUUID()).join("");
    for (let i = 0; i < 20; i++) await store.put(`detail:s_${i}`, doc(noise()));
    const kept = (await store.getMany(Array.from({ length: 20 }, (_, i) => `detail:s_${i}`))).filter(Boolean);
    expect(kept.length).toBeLessThan(20);
    expect(await store.get("detail:s_19")).not.toBeNull(); // the newest stays
    expect(await store.getMemberships("s_1")).toEqual(["list:mapo:cafe"]);
  });

  it("keeps long bodies packed, answers them byte for byte, and counts them as held", async () => {
    // 200 details of ~2,000 characters are ~800 KB as strings; packed they fit a 400 KB budget.
    const store = createMemoryStore({ maxBytes: 400_000 });
    for (let i = 0; i < 200; i++) await store.put(`detail:s_${i}`, doc(detail(i)));
    const got = await store.getMany(Array.from({ length: 200 }, (_, i) => `detail:s_${i}`));
    expect(got.map((d) => d?.body)).toEqual(Array.from({ length: 200 }, (_, i) => detail(i)));
    expect(detail(0).length * 2 * 200).toBeGreaterThan(400_000);
  });

  it("counts the details it holds through overwrites, evictions, deletes and a purge", async () => {
    const store = createMemoryStore({ maxBytes: 10_000 });
    const noise = () => Array.from({ length: 25 }, () => crypto.randomUUID()).join("");
    const ids = Array.from({ length: 20 }, (_, i) => `detail:s_${i}`);
    for (const key of ids) await store.put(key, doc(noise()));
    await store.put("detail:s_19", { ...doc(noise()), version: 2 }); // an overwrite is not a new detail
    const held = async () => (await store.getMany(ids)).filter(Boolean).length;
    expect((await store.countDocuments()).detail).toBe(await held());
    expect(await held()).toBeLessThan(20);
    await store.delete(["detail:s_19", "detail:s_0"]);
    expect((await store.countDocuments()).detail).toBe(await held());
    await store.purgeShop("s_18");
    expect((await store.countDocuments()).detail).toBe(await held());
    await store.applyLists(
      [listChange("list:mapo:cafe", "s_1", 1), listChange("list:mapo:chicken", "s_2", 1)],
      "2026-11-26T00:00:00.000Z",
    );
    await store.seedList("list:gangnam:cafe", [], "2026-11-26T00:00:00.000Z");
    expect(await store.countDocuments()).toMatchObject({ list: 3, main: 2 });
    await store.delete(["list:gangnam:cafe", "list:mapo:cafe"]);
    expect(await store.countDocuments()).toMatchObject({ list: 1, main: 1 });
    await store.purgeAll();
    expect(await store.countDocuments()).toEqual({ detail: 0, list: 0, main: 0 });
  });
});
