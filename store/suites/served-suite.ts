import { beforeEach, describe, expect, it, vi } from "vitest";
import { docKey } from "../../contract/index.ts";
import { metasOf, type NewDoc, type ServedStore } from "../port.ts";
import { freshStore, listChange, type StoreFactory } from "./kit.ts";

export type StoreCaps = {
  /** Announces writes (onWrite): memory and Redis over TCP. */
  notifies?: boolean;
  /** Concurrent guarded writers converge to the highest version (not KV: one writer per key). */
  atomicGuard: boolean;
};

const BUILT = "2026-11-26T12:00:00.000Z";
const doc = (version: number, seq: number, body = `{"v":${version},"s":${seq}}`): NewDoc => ({
  body,
  version,
  seq,
  builtAt: BUILT,
});
/**
 * One suite of what is served for every driver (hono's common.case.test.ts, bentocache's
 * registerCacheDriverTestSuite): memory is proven equal to Redis and KV by passing the same cases.
 */
export function servedStoreSuite(name: string, factory: StoreFactory, caps: StoreCaps) {
  describe(`ServedStore contract: ${name}`, () => {
    const current = freshStore(factory);
    let store: ServedStore;
    beforeEach(() => {
      store = current();
    });

    it("answers null for a missing key and returns what was put with its metadata", async () => {
      expect(await store.get("detail:nope")).toBeNull();
      expect(await store.put("detail:s_1", doc(3, 10))).toEqual({
        written: true,
        current: { version: 3, seq: 10 },
      });
      expect(await store.get("detail:s_1")).toEqual({ key: "detail:s_1", ...doc(3, 10) });
    });

    it("reads many keys in the order asked, null where missing", async () => {
      await store.put("main:gangnam", doc(0, 5));
      await store.applyLists([listChange("list:gangnam:chicken", "s_1", 6)], BUILT);
      const got = await store.getMany(["list:gangnam:chicken", "detail:none", "main:gangnam"]);
      expect(got.map((d) => d?.seq ?? null)).toEqual([6, null, 5]);
      expect(await store.getMany([])).toEqual([]);
    });

    it("answers documents' versions without their bodies as getMany has them", async () => {
      await store.put("detail:s_m1", doc(3, 30));
      await store.put("detail:s_m2", { ...doc(4, 40), body: "가".repeat(3000) }); // a packed body on memory
      await store.applyLists([listChange("list:gangnam:chicken", "s_m1", 31)], BUILT);
      const keys = ["detail:s_m2", "detail:none", "detail:s_m1", "list:gangnam:chicken"];
      const metas = await metasOf(store, keys);
      const full = await store.getMany(keys);
      expect(metas).toEqual(
        full.map((d) => (d ? { version: d.version, seq: d.seq, builtAt: d.builtAt } : null)),
      );
      expect(metas.map((m) => m?.seq ?? null)).toEqual([40, null, 30, 31]);
      expect(await metasOf(store, [])).toEqual([]);
    });

    it("never replaces a document with an older version or seq; equal ones rebuild", async () => {
      await store.put("detail:s_2", doc(5, 50));
      expect(await store.put("detail:s_2", doc(4, 99))).toEqual({
        written: false,
        current: { version: 5, seq: 50 },
      });
      expect((await store.put("detail:s_2", doc(5, 49))).written).toBe(false);
      expect((await store.put("detail:s_2", doc(5, 50, '{"rebuilt":true}'))).written).toBe(true);
      expect((await store.get("detail:s_2"))?.body).toBe('{"rebuilt":true}');
      expect((await store.put("detail:s_2", doc(6, 51))).written).toBe(true);
      expect(await store.get("detail:s_2")).toMatchObject({ version: 6, seq: 51 });
    });

    it("skips a write that would change only seq and builtAt; rewrites after two minutes or when asked", async () => {
      const at = (minutes: number) => new Date(Date.parse(BUILT) + minutes * 60_000).toISOString();
      const detail = (seq: number, minutes: number, name = "행복한 치킨"): NewDoc => {
        const builtAt = at(minutes);
        return {
          body: JSON.stringify({ id: "s_u", version: 2, name, seq, builtAt }),
          version: 2,
          seq,
          builtAt,
        };
      };
      expect((await store.put("detail:s_u", detail(10, 0))).written).toBe(true);
      // A duplicate event's rebuild a minute later: same version, same content.
      expect(await store.put("detail:s_u", detail(11, 1))).toEqual({
        written: false,
        unchanged: true,
        current: { version: 2, seq: 10 },
      });
      expect(await store.get("detail:s_u")).toMatchObject({
        body: detail(10, 0).body,
        seq: 10,
        builtAt: at(0),
      });
      // What a reader sees changed (same version: an owner's public field, a clock-driven rebuild).
      expect((await store.put("detail:s_u", detail(12, 1, "행복한 치킨 2호점"))).written).toBe(true);
      // Unchanged but the stored copy is two minutes old: rewritten, so its age stays bounded.
      expect((await store.put("detail:s_u", detail(13, 3, "행복한 치킨 2호점"))).written).toBe(true);
      // The edge's max-age revalidation always writes.
      const again = detail(14, 3.5, "행복한 치킨 2호점");
      expect((await store.put("detail:s_u", again, { rewrite: true })).written).toBe(true);
      expect(await store.get("detail:s_u")).toMatchObject({ seq: 14, builtAt: again.builtAt });
    });

    it("keeps values byte for byte: Korean text, emoji, escapes and a 1 MB document", async () => {
      const tricky = JSON.stringify({
        name: "원조 치킨 🍗🔥",
        note: 'quote " backslash \\ newline \n tab \t',
        nul: "\u0000",
        n: 1.0,
      });
      await store.put("detail:s_ko", doc(1, 1, tricky));
      expect((await store.get("detail:s_ko"))?.body).toBe(tricky);
      const big = JSON.stringify({ menus: "떡볶이🌶".repeat(Math.ceil(1_048_576 / 13)) }); // 13 UTF-8 bytes each
      expect(new TextEncoder().encode(big).length).toBeGreaterThan(1_048_576);
      await store.put("detail:s_big", doc(1, 1, big));
      const [back] = await store.getMany(["detail:s_big"]);
      expect(back?.body.length).toBe(big.length);
      expect(back?.body === big).toBe(true);
    });

    it("deletes documents and counts what it removed", async () => {
      await store.put("detail:d1", doc(1, 1));
      await store.put("detail:d2", doc(1, 1));
      expect(await store.delete(["detail:d1", "detail:d2", "detail:never"])).toBe(2);
      expect(await store.getMany(["detail:d1", "detail:d2"])).toEqual([null, null]);
    });

    it("purges a shop: its detail and its list bookkeeping, nothing of other shops", async () => {
      await store.put(docKey.detail("s_p"), doc(2, 2));
      await store.put(docKey.detail("s_q"), doc(2, 2));
      const g = { version: 2, seq: 2 };
      await store.registerLists("s_p", g, [docKey.list("mapo", "pizza"), docKey.list("gangnam", "pizza")]);
      await store.registerLists("s_q", g, [docKey.list("mapo", "pizza")]);
      expect(await store.getMemberships("s_p")).toEqual(["list:gangnam:pizza", "list:mapo:pizza"]);
      expect(await store.purgeShop("s_p")).toEqual({
        deleted: 1,
        lists: ["list:gangnam:pizza", "list:mapo:pizza"],
      });
      expect(await store.get(docKey.detail("s_p"))).toBeNull();
      expect(await store.getMemberships("s_p")).toEqual([]);
      expect(await store.get(docKey.detail("s_q"))).not.toBeNull();
      expect(await store.getMemberships("s_q")).toEqual(["list:mapo:pizza"]);
    });

    it("keeps the catalogue: shops and regions noted, gone shops removed, kept by a shop's purge", async () => {
      expect(await store.inCatalogue("shop", ["s_c1"])).toEqual([false]);
      await store.noteCatalogue({ shops: ["s_c1", "s_c2"], regions: ["mapo", "gangnam"] });
      await store.noteCatalogue({ shops: ["s_c2"], regions: ["mapo"] }); // notes repeat with every rebuild
      expect(await store.inCatalogue("shop", ["s_c2", "s_none", "s_c1"])).toEqual([true, false, true]);
      expect(await store.inCatalogue("region", ["gangnam", "made-up", "mapo"])).toEqual([true, false, true]);
      // Regions and shops are separate names: a region called like a shop is not a shop.
      expect(await store.inCatalogue("region", ["s_c1"])).toEqual([false]);
      expect(await store.inCatalogue("shop", [])).toEqual([]);
      await store.noteCatalogue({ goneShops: ["s_c1"] });
      expect(await store.inCatalogue("shop", ["s_c1", "s_c2"])).toEqual([false, true]);
      await store.put(docKey.detail("s_c2"), doc(1, 1));
      await store.purgeShop("s_c2");
      expect(await store.inCatalogue("shop", ["s_c2"])).toEqual([true]);
      await store.noteCatalogue({});
      await store.purgeAll();
      expect(await store.inCatalogue("shop", ["s_c2"])).toEqual([false]);
      expect(await store.inCatalogue("region", ["mapo"])).toEqual([false]);
    });

    it("counts documents by kind and purges everything under its prefix", async () => {
      await store.put("detail:x", doc(1, 1));
      await store.applyLists([listChange("list:mapo:cafe", "x", 1)], BUILT);
      await store.put("main:mapo", doc(0, 1));
      await store.put("detail:y", doc(1, 1));
      expect(await store.countDocuments()).toEqual({ detail: 2, list: 1, main: 1 });
      await store.registerLists("x", { version: 1, seq: 1 }, ["list:mapo:cafe"]);
      expect(await store.purgeAll()).toBeGreaterThanOrEqual(5);
      expect(await store.get("detail:x")).toBeNull();
      expect(await store.getMemberships("x")).toEqual([]);
      expect(await store.countDocuments()).toEqual({ detail: 0, list: 0, main: 0 });
    });

    it("announces written and deleted keys where it can (onWrite)", async () => {
      // KV and Upstash REST cannot announce: there the edge relies on its L1 TTL.
      expect(typeof store.onWrite === "function").toBe(caps.notifies === true);
      if (!store.onWrite) return;
      const heard: string[] = [];
      const stop = await store.onWrite((key) => heard.push(key));
      await store.put("detail:n1", doc(1, 1));
      await store.put("detail:n1", doc(0, 0)); // refused by the guard: nothing to announce
      await store.put("detail:n1", doc(1, 2, '{"v":1,"s":1}')); // unchanged content: nothing either
      await store.delete(["detail:n1"]);
      // Announcements arrive in order but later (pub/sub): once a last marker is heard, all are in.
      await store.put("detail:n1-end", doc(1, 1));
      await vi.waitFor(() => expect(heard).toContain("detail:n1-end"), { timeout: 5000 });
      stop();
      expect(heard).toEqual(["detail:n1", "detail:n1", "detail:n1-end"]);
    });

    if (caps.atomicGuard) {
      it("50 concurrent guarded puts with random versions leave the highest", async () => {
        const versions = Array.from({ length: 50 }, () => 1 + Math.floor(Math.random() * 1000));
        const results = await Promise.all(versions.map((v) => store.put("detail:race", doc(v, v))));
        const top = Math.max(...versions);
        expect(await store.get("detail:race")).toMatchObject({
          version: top,
          seq: top,
          body: `{"v":${top},"s":${top}}`,
        });
        expect(results.some((r) => r.written)).toBe(true);
      });
    } else {
      // No compare-and-set (KV): the guard holds for the one writer per key the sync-worker keeps.
      it("50 guarded puts in random version order from one writer leave the highest", async () => {
        const versions = Array.from({ length: 50 }, () => 1 + Math.floor(Math.random() * 1000));
        for (const v of versions) await store.put("detail:race", doc(v, v));
        const top = Math.max(...versions);
        expect(await store.get("detail:race")).toMatchObject({ version: top, seq: top });
      });
    }
  });
}
