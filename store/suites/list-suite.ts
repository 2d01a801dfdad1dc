import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { type ListEntry, listMember, ShopListDoc } from "../../contract/index.ts";

// Serving order as the contract defines it (projection/list-changes.test.ts proves it equal to
// compareEntries); the store may not import the projection.
const compareEntries = (a: ListEntry, b: ListEntry) => (listMember(a) < listMember(b) ? -1 : 1);

import type { DocumentStore, ListChange } from "../port.ts";
import { entry, freshStore, listChange, type StoreFactory } from "./kit.ts";

const BUILT = "2026-11-26T12:00:00.000Z";
const LIST = "list:mapo:chicken";

const read = async (store: DocumentStore, key = LIST) => {
  const d = await store.get(key);
  return d ? ShopListDoc.parse(JSON.parse(d.body)) : null;
};

/**
 * Lists kept entry by entry, the same on every adapter: serving order, the per-shop guard, writes
 * only of what changed, heads for main, and — where the adapter is atomic — concurrent writers.
 */
export function listStoreSuite(name: string, factory: StoreFactory, caps: { atomic: boolean }) {
  describe(`DocumentStore lists: ${name}`, () => {
    const current = freshStore(factory);
    let store: DocumentStore;
    beforeEach(() => {
      store = current();
    });

    it("keeps entries in serving order and reads one list document", async () => {
      const shops = [
        entry("b", { rating: 4.9 }),
        entry("a", { rating: 4.9 }),
        entry("c", { ad: { product: "ultra_call", bid: 500, endsAt: BUILT } }),
        entry("d", { ad: { product: "open_list", bid: 100, endsAt: BUILT } }),
        entry("e", { rating: 3.1, reviewCount: 9000 }),
        entry("f", { rating: 3.1, reviewCount: 9001 }),
      ];
      const applied = await store.applyLists(
        shops.map((e, i) => listChange(LIST, e.id, i + 1, e)),
        BUILT,
      );
      expect(applied.changed).toEqual([LIST]);
      expect(applied.bytes.every((b) => b > 0)).toBe(true);
      const list = await read(store);
      expect(list?.shops.map((s) => s.id)).toEqual(["d", "c", "a", "b", "f", "e"]);
      expect(list?.shops).toEqual([...shops].sort(compareEntries));
      expect(list).toMatchObject({ region: "mapo", category: "chicken", total: 6, seq: 6, builtAt: BUILT });
      expect(await store.get("list:mapo:pizza")).toBeNull();
    });

    it("refuses a change from older state, even after the shop left the list", async () => {
      await store.applyLists([listChange(LIST, "s", 5, entry("s", { name: "new" }))], BUILT);
      const refused = await store.applyLists([listChange(LIST, "s", 4, entry("s", { name: "old" }))], BUILT);
      expect(refused).toEqual({ changed: [], bytes: [0] });
      expect((await read(store))?.shops[0]?.name).toBe("new");
      await store.applyLists([listChange(LIST, "s", 6, null)], BUILT);
      await store.applyLists([listChange(LIST, "s", 5, entry("s"))], BUILT);
      expect(await read(store)).toMatchObject({ total: 0, shops: [] });
      await store.applyLists([listChange(LIST, "s", 7, entry("s"))], BUILT);
      expect((await read(store))?.total).toBe(1);
    });

    it("names every shop it holds a guard for, those that left it included", async () => {
      expect(await store.listShopIds(LIST)).toEqual([]);
      await store.applyLists([listChange(LIST, "a", 1), listChange(LIST, "b", 1)], BUILT);
      await store.applyLists([listChange(LIST, "b", 2, null)], BUILT); // b paused: out of the list
      expect((await read(store))?.shops.map((e) => e.id)).toEqual(["a"]);
      expect(await store.listShopIds(LIST)).toEqual(["a", "b"]);
    });

    it("writes only what changed: an unchanged card costs nothing, a card change only the card", async () => {
      const filler = Array.from({ length: 300 }, (_, i) => listChange(LIST, `f${i}`, 1, entry(`f${i}`)));
      await store.applyLists(filler, BUILT);
      const same = await store.applyLists([listChange(LIST, "f7", 1, entry("f7"))], BUILT);
      expect(same).toEqual({ changed: [], bytes: [0] });
      const renamed = await store.applyLists(
        [listChange(LIST, "f7", 2, entry("f7", { minOrder: 1 }))],
        BUILT,
      );
      expect(renamed.changed).toEqual([LIST]);
      expect(renamed.bytes[0]).toBeLessThan(400);
      const before = await store.get(LIST);
      const moved = await store.applyLists([listChange(LIST, "f7", 3, entry("f7", { rating: 5 }))], BUILT);
      expect((await read(store))?.shops[0]?.id).toBe("f7");
      expect((await store.get(LIST))?.version).toBeGreaterThan(before?.version ?? 0);
      expect(moved.bytes[0]).toBeLessThan(600);
    });

    it("seeds a whole list only where none was written, with each shop's membership", async () => {
      const seed = ["s1", "s2"].map((id, i) => {
        const e = entry(id, { reviewCount: i });
        return { id, guard: { version: 3, seq: 9 }, member: listMember(e), card: JSON.stringify(e) };
      });
      // A removal leaves a guard; the seed may not bring back what a newer state removed.
      await store.applyLists([listChange("list:seed:chicken", "s1", 10, null)], BUILT);
      expect(await store.seedList("list:seed:chicken", seed, BUILT)).toBe(true);
      expect((await read(store, "list:seed:chicken"))?.shops.map((s) => s.id)).toEqual(["s2"]);
      expect(await store.getMemberships("s2")).toEqual(["list:seed:chicken"]);
      expect(await store.seedList("list:seed:chicken", seed.slice(0, 1), BUILT)).toBe(false);
      await store.applyLists([listChange(LIST, "x", 1)], BUILT);
      expect(await store.seedList(LIST, seed, BUILT)).toBe(false);
      expect(await store.seedList("list:empty:pizza", [], BUILT)).toBe(true);
      expect(await read(store, "list:empty:pizza")).toMatchObject({ total: 0, shops: [] });
    });

    it("answers heads and totals for main, empty for a list never written", async () => {
      await store.applyLists(
        Array.from({ length: 30 }, (_, i) =>
          listChange(LIST, `h${i}`, 1, entry(`h${i}`, { reviewCount: i })),
        ),
        BUILT,
      );
      const [head, none] = await store.listHeads([LIST, "list:mapo:pizza"], 3);
      expect(head?.total).toBe(30);
      expect(head?.cards.map((c) => JSON.parse(c).id)).toEqual(["h29", "h28", "h27"]);
      expect(head?.rev).toBeGreaterThan(0);
      expect(head?.at).toBe(BUILT);
      expect(none).toMatchObject({ total: 0, rev: 0, cards: [] });
    });

    it("records memberships with guards: release keeps a list a newer state registered", async () => {
      const [a, b, c] = ["list:a:chicken", "list:b:chicken", "list:c:chicken"];
      expect(await store.registerLists("m", { version: 1, seq: 1 }, [a as string, b as string])).toEqual([
        a,
        b,
      ]);
      expect(await store.registerLists("m", { version: 3, seq: 3 }, [b as string, c as string])).toEqual([
        a,
        b,
        c,
      ]);
      await store.releaseLists("m", { version: 2, seq: 2 }, [a as string, b as string]);
      expect(await store.getMemberships("m")).toEqual([b, c]);
      await store.releaseLists("m", { version: 3, seq: 3 }, [b as string, c as string]);
      expect(await store.getMemberships("m")).toEqual([]);
    });

    it("equals the sorted projection of the newest change per shop, in any order (property)", async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              id: fc.constantFrom("p1", "p2", "p3", "p4", "p5"),
              v: fc.integer({ min: 1, max: 20 }),
              present: fc.boolean(),
              rating: fc.integer({ min: 0, max: 50 }),
              ad: fc.constantFrom(null, "open_list", "ultra_call"),
              bid: fc.integer({ min: 0, max: 3 }),
            }),
            { maxLength: 25 },
          ),
          async (steps) => {
            const key = `list:r${++round}:chicken`;
            const made = steps.map((s) =>
              listChange(
                key,
                s.id,
                s.v,
                s.present
                  ? entry(s.id, {
                      rating: s.rating / 10,
                      ad: s.ad ? { product: s.ad, bid: s.bid, endsAt: BUILT } : null,
                      name: `v${s.v}`,
                    })
                  : null,
              ),
            );
            // Half applied one by one, the rest in one batch, as sync-worker batches would.
            const half = Math.floor(made.length / 2);
            for (const c of made.slice(0, half)) await store.applyLists([c], BUILT);
            await store.applyLists(made.slice(half), BUILT);
            const newest = new Map<string, ListChange>();
            for (const c of made) {
              const cur = newest.get(c.id);
              if (!cur || c.guard.version >= cur.guard.version) newest.set(c.id, c);
            }
            const expected = [...newest.values()]
              .filter((c) => c.entry)
              .map((c) => JSON.parse(c.entry?.card as string) as ListEntry)
              .sort(compareEntries);
            const got = await read(store, key);
            expect(got?.shops ?? []).toEqual(expected);
          },
        ),
        { numRuns: name === "kv" ? 15 : 40 },
      );
    });

    it("a shop's equal cards in several lists change and go one list at a time", async () => {
      // The memory store keeps one copy of a card its lists share: each list must still be its own.
      const lists = ["list:mapo:chicken", "list:seocho:chicken", "list:jongno:chicken"];
      const e = entry("s", { name: "같은 가게 🍗" });
      await store.applyLists(
        lists.map((l) => listChange(l, "s", 1, e)),
        BUILT,
      );
      const ad = { product: "open_list" as const, bid: 300, endsAt: BUILT };
      await store.applyLists([listChange(lists[0] as string, "s", 2, entry("s", { ...e, ad }))], BUILT);
      await store.delete([lists[1] as string]);
      expect((await read(store, lists[0]))?.shops).toEqual([{ ...e, ad }]);
      expect(await read(store, lists[1])).toBeNull();
      expect((await read(store, lists[2]))?.shops).toEqual([e]);
      await store.applyLists([listChange(lists[2] as string, "s", 3, null)], BUILT);
      await store.applyLists([listChange(lists[1] as string, "s", 4, e)], BUILT);
      expect((await read(store, lists[1]))?.shops).toEqual([e]);
      expect((await read(store, lists[2]))?.shops).toEqual([]);
      expect((await read(store, lists[0]))?.shops).toEqual([{ ...e, ad }]);
    });

    if (caps.atomic) {
      it("concurrent writers on one list lose no update", async () => {
        const changes = Array.from({ length: 60 }, (_, i) =>
          listChange(LIST, `c${i % 20}`, i + 1, entry(`c${i % 20}`, { reviewCount: i })),
        );
        await Promise.all(changes.map((c) => store.applyLists([c], BUILT)));
        const got = await read(store);
        expect(got?.total).toBe(20);
        expect(got?.shops.map((s) => s.reviewCount).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 20 }, (_, i) => 40 + i),
        );
      });
    }
  });
}
