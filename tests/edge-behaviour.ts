// biome-ignore-all lint/suspicious/noExplicitAny: answers are checked field by field
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docKey } from "../contract/index.ts";
import type { NewDoc } from "../store/port.ts";
import { waitFor } from "./event-receiver.ts";

export type Answer = { status: number; headers: Headers; json: any; text: string; ms: number };
/** What the shared edge cases need from a running edge, wherever it runs (Node, workerd). */
export type EdgeTarget = {
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  putDoc(key: string, doc: NewDoc): Promise<unknown>;
  getDoc(key: string): Promise<{ version: number; body: string } | null>;
  /** Paths of the origin's state API calls so far. */
  calls: string[];
  patchOrigin(path: string, body: unknown): Promise<{ version: number }>;
  killOrigin(): Promise<void>;
  restartOrigin(): Promise<void>;
  /** Resolves once the edge itself considers the origin down. */
  waitOriginDown(): Promise<void>;
  /** Lets the L1 TTL run out: a driven clock where the edge takes one, real time in workerd. */
  passL1Ttl(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * The edge behaviour every runtime must show (docs/api.md), one suite run against each target: the
 * Node process model and the Workers entry inside workerd.
 */
export function edgeBehaviourSuite(name: string, make: () => Promise<EdgeTarget>) {
  describe(`edge behaviour: ${name}`, () => {
    // One edge and origin for the whole suite: each case reads shops no other case reads, and the
    // origin outage comes last.
    let t: EdgeTarget;
    beforeAll(async () => {
      t = await make();
    }, 60_000);
    afterAll(() => t?.stop());

    it("MISS from the origin, then HIT, with ETag, Cache-Control, Age and version headers", async () => {
      const first = await t.get("/v1/shops/s_demo_000001");
      expect(first.status).toBe(200);
      expect(first.headers.get("x-cache")).toBe("MISS");
      expect(first.json).toMatchObject({ id: "s_demo_000001", version: 1, deleted: false });
      expect(first.headers.get("etag")).toMatch(/^"1\.\d+\.[0-9a-z]+"$/);
      expect(first.headers.get("cache-control")).toMatch(
        /max-age=\d+, stale-while-revalidate=\d+, stale-if-error=\d+/,
      );
      expect(first.headers.get("x-doc-version")).toBe("1");
      expect(first.headers.get("age")).toMatch(/^\d+$/);
      const second = await t.get("/v1/shops/s_demo_000001");
      expect(second.headers.get("x-cache")).toBe("HIT");
      expect(second.text).toBe(first.text);
      // A hit reuses the headers made for the previous one (same second): in another request, too.
      const third = await t.get("/v1/shops/s_demo_000001");
      expect(third.text).toBe(first.text);
      for (const h of ["etag", "x-cache", "x-doc-version", "cache-control", "content-type"])
        expect(third.headers.get(h)).toBe(second.headers.get(h));
      const notModified = await t.get("/v1/shops/s_demo_000001", {
        "if-none-match": first.headers.get("etag") as string,
      });
      expect(notModified.status).toBe(304);
      expect((await t.getDoc(docKey.detail("s_demo_000001")))?.version).toBe(1); // written through
    });

    it("repeated list pages and mains are L1 hits with the same bytes, ETags and 304s", async () => {
      for (const path of ["/v1/shops?region=gangnam&category=chicken&limit=2", "/v1/main?region=gangnam"]) {
        const first = await t.get(path);
        const again = await t.get(path, { "x-request-id": "rid-1" });
        expect(again.headers.get("x-cache"), path).toBe("HIT");
        expect(again.text).toBe(first.text);
        expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
        expect(again.headers.get("x-request-id")).toBe("rid-1");
        const notModified = await t.get(path, { "if-none-match": first.headers.get("etag") as string });
        expect(notModified.status, path).toBe(304);
      }
      // The plain forms only: anything unusual takes the app, which validates.
      expect((await t.get("/v1/shops?region=gangnam&category=chicken&limit=0")).status).toBe(400);
      expect((await t.get("/v1/shops?region=gangnam&category=chicken&cursor=zzz")).status).toBe(400);
      expect((await t.get("/v1/main?region=gangnam&extra=1")).status).toBe(400);
    });

    it("lists and main: pages with cursors, categories of a region", async () => {
      const full = (await t.get("/v1/shops?region=gangnam&category=chicken&limit=100")).json;
      expect(full.total).toBeGreaterThanOrEqual(2);
      const first = (await t.get("/v1/shops?region=gangnam&category=chicken&limit=1")).json;
      const second = (await t.get(`/v1/shops?region=gangnam&category=chicken&limit=1&cursor=${first.next}`))
        .json;
      expect([first.shops[0].id, second.shops[0].id]).toEqual(
        full.shops.slice(0, 2).map((s: { id: string }) => s.id),
      );
      const main = (await t.get("/v1/main?region=gangnam")).json;
      expect(main.categories).toHaveLength(10);
    });

    it("unknown shops and tombstones are 404; a tombstone never asks the origin", async () => {
      expect((await t.get("/v1/shops/s_nope")).status).toBe(404);
      const now = new Date().toISOString();
      await t.putDoc(docKey.detail("s_gone"), {
        body: JSON.stringify({ id: "s_gone", deleted: true, version: 3, seq: 1, builtAt: now }),
        version: 3,
        seq: 1,
        builtAt: now,
      });
      const before = t.calls.length;
      expect((await t.get("/v1/shops/s_gone")).status).toBe(404);
      expect(t.calls.length).toBe(before);
    });

    it("100 concurrent misses for one key make one origin call", async () => {
      const answers = await Promise.all(Array.from({ length: 100 }, () => t.get("/v1/shops/s_demo_000003")));
      expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
      expect(t.calls.filter((c) => c.includes("s_demo_000003"))).toHaveLength(1);
    });

    it("a document changed in the store is served within the L1 TTL", async () => {
      await t.get("/v1/shops/s_demo_000009");
      const stored = await t.getDoc(docKey.detail("s_demo_000009"));
      const builtAt = new Date().toISOString();
      const newer = { ...JSON.parse(stored?.body as string), name: "동기화됨", version: 2 };
      await t.putDoc(docKey.detail("s_demo_000009"), {
        body: JSON.stringify(newer),
        version: 2,
        seq: 99,
        builtAt,
      });
      await t.passL1Ttl();
      expect((await t.get("/v1/shops/s_demo_000009")).json.name).toBe("동기화됨");
    });

    it("X-Min-Version ahead of the store gets the newer version from the origin", async () => {
      await t.get("/v1/shops/s_demo_000008");
      const { version } = await t.patchOrigin("/shops/s_demo_000008", { name: "새 버전" });
      expect((await t.get("/v1/shops/s_demo_000008")).json.version).toBe(1);
      const ryw = await t.get("/v1/shops/s_demo_000008", { "x-min-version": String(version) });
      expect(ryw.json).toMatchObject({ version, name: "새 버전" });
      expect(ryw.headers.get("x-cache")).toBe("REVALIDATED");
      expect((await t.get("/v1/shops/s_demo_000008", { "x-min-version": "x" })).status).toBe(400);
    });

    it("search answers a page of results with the document headers", async () => {
      // Search reads what the store holds: here what reads brought in — a list, then its shops.
      const list = await t.get("/v1/shops?region=gangnam&category=chicken&limit=5");
      const ids: string[] = list.json.shops.map((x: { id: string }) => x.id);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect((await t.get(`/v1/shops/${id}`)).status).toBe(200);
      // On Workers a fallback's write is background work (waitUntil): wait until the store has them.
      const stored = async () =>
        (await Promise.all(ids.map((id) => t.getDoc(docKey.detail(id))))).every(Boolean);
      await waitFor(stored, 10_000, 20);
      // A list read from the origin is seeded into the store (on KV into its list shard): the index
      // then holds every chicken shop stored.
      await waitFor(async () => (await t.getDoc(docKey.list("gangnam", "chicken"))) !== null, 10_000);
      const res = await t.get(`/v1/search?region=gangnam&q=${encodeURIComponent("치킨")}&limit=5`);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ region: "gangnam", q: "치킨" });
      const found: string[] = res.json.shops.map((x: { id: string }) => x.id);
      expect(found.sort()).toEqual([...ids].sort());
      for (const h of ["etag", "x-cache", "cache-control"]) expect(res.headers.get(h), h).toBeTruthy();
    });

    it("bad parameters are 400s with the error body", async () => {
      for (const path of [
        "/v1/main",
        "/v1/shops?region=gangnam&category=sushi",
        "/v1/shops?region=gangnam&category=chicken&cursor=x",
        "/v1/shops/bad!id",
        "/v1/search?region=gangnam",
        `/v1/search?region=gangnam&q=${encodeURIComponent("<b>")}`,
      ]) {
        const res = await t.get(path);
        expect(res.status, path).toBe(400);
        expect(res.json.error.code).toBe("validation_failed");
      }
    });

    it("origin killed: warmed keys answer 200 STALE, unwarmed ones a fast 503", async () => {
      await t.get("/v1/shops/s_demo_000004");
      await t.killOrigin();
      await t.waitOriginDown();
      await t.passL1Ttl();
      const warm = await t.get("/v1/shops/s_demo_000004");
      expect(warm.status).toBe(200);
      expect(warm.headers.get("x-cache")).toBe("STALE");
      const cold = await t.get("/v1/shops/s_demo_000005");
      expect(cold.status).toBe(503);
      expect(cold.headers.get("retry-after")).toBeTruthy();
      // Without waiting on the origin (how fast: bench/miss-flood.ts); a hang would time the test out.
      // Read-your-writes never gets older data silently: the copy there is, marked BEHIND.
      const ryw = await t.get("/v1/shops/s_demo_000004", { "x-min-version": "99" });
      expect(ryw.status).toBe(200);
      expect(ryw.headers.get("x-cache")).toBe("BEHIND");
      expect(Number(ryw.headers.get("x-doc-version"))).toBeLessThan(99);
      await t.restartOrigin();
    });
  });
}
