import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { docKey, type ListEntry, listMember } from "../contract/index.ts";
import { engines } from "./databases.ts";
import { edgeBehaviourSuite } from "./edge-behaviour.ts";
import { nodeEdgeTarget, startEdgeStack } from "./edge-stack.ts";
import { waitFor } from "./event-receiver.ts";

const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;

/** A Node edge stack over its own PGlite origin for one test, stopped and closed whatever happens. */
async function withEdgeStack(
  options: Parameters<typeof startEdgeStack>[1],
  test: (s: Awaited<ReturnType<typeof startEdgeStack>>) => Promise<void>,
): Promise<void> {
  const db = await pglite.open();
  const s = await startEdgeStack(db, options);
  try {
    await test(s);
  } finally {
    await s.stop();
    await db.close();
  }
}

edgeBehaviourSuite("Node, memory store", async () => nodeEdgeTarget(await pglite.open()));

/** Cases that need hands on the Node process: a failing store, the negative cache, the max age. */
describe("edge on Node: store faults, negative cache, safety net", () => {
  let s: Awaited<ReturnType<typeof startEdgeStack>>;
  beforeEach(async () => {
    s = await startEdgeStack(await pglite.open(), { config: { EDGE_MAX_AGE_S: 1 } });
  });
  afterEach(async () => {
    await s.stop();
    await s.db.close();
  });

  it("store down or stalled: answers come from L1 or the origin, never a 500", async () => {
    await s.get("/v1/shops/s_demo_000006");
    s.storeFaults.mode = "fail";
    expect((await s.get("/v1/shops/s_demo_000006")).status).toBe(200);
    const fromOrigin = await s.get("/v1/shops/s_demo_000007");
    expect(fromOrigin.status).toBe(200);
    expect(fromOrigin.headers.get("x-cache")).toBe("MISS");
    s.storeFaults.mode = "hang";
    s.advance(250); // past the L1 TTL: the next read asks the store
    // A store that never answers is cut at its budget: the read is answered (a hang would time out).
    const slowStore = await s.get("/v1/shops/s_demo_000006");
    expect(slowStore.status).toBe(200);
  });

  it("caches an unknown shop's 404 briefly", async () => {
    expect((await s.get("/v1/shops/s_nope")).status).toBe(404);
    const calls = s.calls.length;
    expect((await s.get("/v1/shops/s_nope")).status).toBe(404);
    expect(s.calls.length).toBe(calls);
  });

  it("serves a document past its max age as STALE at once and refreshes it in the background", async () => {
    const old = new Date(Date.now() - 60_000).toISOString();
    await s.store.put(docKey.detail("s_demo_000010"), {
      body: JSON.stringify({ id: "s_demo_000010", name: "오래된", version: 1 }),
      version: 1,
      seq: 1,
      builtAt: old,
    });
    const stale = await s.get("/v1/shops/s_demo_000010");
    expect(stale.headers.get("x-cache")).toBe("STALE");
    expect(stale.json.name).toBe("오래된");
    await waitFor(async () => (await s.store.get(docKey.detail("s_demo_000010")))?.builtAt !== old, 10_000);
    s.advance(250);
    const fresh = await s.get("/v1/shops/s_demo_000010");
    expect(fresh.json.name).not.toBe("오래된");
    expect(fresh.headers.get("x-cache")).toBe("HIT");
  });
});

describe("edge store reads under load", () => {
  it("requests waiting on one expired key share one store read", async () => {
    await withEdgeStack({ config: { EDGE_L1_TTL_MS: 10_000 } }, async (s) => {
      const path = "/v1/shops?region=gangnam&category=chicken";
      expect((await s.get(path)).status).toBe(200); // filled from the origin, written to the store
      s.advance(10_001); // the L1 entry is now expired
      const inner = s.store.get.bind(s.store);
      let reads = 0;
      s.store.get = async (key) => {
        if (key.startsWith("list:")) reads++;
        return inner(key);
      };
      const answers = await Promise.all(Array.from({ length: 50 }, () => s.get(path)));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(reads).toBe(1);
    });
  });
});

describe("edge L1 refresh of an unchanged detail", () => {
  it("makes an expired detail fresh again from its version alone: no body read, same ETag", async () => {
    await withEdgeStack({ config: { EDGE_L1_TTL_MS: 10_000 } }, async (s) => {
      const path = "/v1/shops/s_demo_000001";
      const first = await s.get(path); // from the origin, written through to the store
      expect(first.status).toBe(200);
      const inner = s.store.get.bind(s.store);
      let bodyReads = 0;
      s.store.get = async (key) => {
        bodyReads++;
        return inner(key);
      };
      s.advance(10_001); // expired in L1
      const again = await Promise.all(Array.from({ length: 20 }, () => s.get(path)));
      expect(again.map((a) => [a.status, a.headers.get("etag"), a.headers.get("x-cache")])).toEqual(
        again.map(() => [200, first.headers.get("etag"), "HIT"]),
      );
      expect(again[0]?.text).toBe(first.text);
      expect(bodyReads).toBe(0);
      expect(s.calls.filter((c) => c.includes("s_demo_000001"))).toHaveLength(1);

      // A newer document in the store is read and served (the meta no longer matches).
      const stored = await inner("detail:s_demo_000001");
      const newer = { ...(stored as NonNullable<typeof stored>), version: (stored?.version ?? 0) + 1 };
      await s.store.put("detail:s_demo_000001", newer);
      s.advance(10_001);
      const changed = await s.get(path);
      expect(changed.headers.get("x-doc-version")).toBe(String(newer.version));
      expect(bodyReads).toBe(1);
    });
  });
});

describe("edge CORS on the public read API", () => {
  it("answers preflights and lets any page read documents", async () => {
    await withEdgeStack({}, async (s) => {
      const pre = await s.edge.app.request("/v1/shops/s_demo_000001", {
        method: "OPTIONS",
        headers: { origin: "https://app.example", "access-control-request-method": "GET" },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get("access-control-allow-origin")).toBe("*");
      expect(pre.headers.get("access-control-allow-methods")).toContain("GET");
      const read = await s.get("/v1/shops/s_demo_000001", { origin: "https://app.example" });
      expect(read.headers.get("access-control-allow-origin")).toBe("*");
      expect(
        (await s.edge.app.request("/healthz", { method: "OPTIONS" })).headers.get(
          "access-control-allow-origin",
        ),
      ).toBeNull();
    });
  });
});

describe("edge fast path (server runtimes)", () => {
  it("answers fresh L1 hits itself and hands everything else to the app", async () => {
    await withEdgeStack({}, async (s) => {
      const url = "http://edge.test/v1/shops/s_demo_000001";
      expect(s.edge.fetch(new Request(url))).toBeInstanceOf(Promise); // a miss: the full app
      await s.get("/v1/shops/s_demo_000001");
      const hit = s.edge.fetch(new Request(url)) as Response;
      expect(hit).toBeInstanceOf(Response);
      expect(hit.headers.get("x-cache")).toBe("HIT");
      const etag = hit.headers.get("etag") as string;
      expect(
        (s.edge.fetch(new Request(url, { headers: { "if-none-match": etag } })) as Response).status,
      ).toBe(304);
      expect(s.edge.fetch(new Request(url, { headers: { "x-min-version": "1" } }))).toBeInstanceOf(Promise);
      expect(s.edge.fetch(new Request(`${url}?x=1`))).toBeInstanceOf(Promise);
      expect(s.edge.fetch(new Request("http://edge.test/v1/shops/bad!"))).toBeInstanceOf(Promise);
    });
  });
});

describe("edge alone (no sync-worker): lists asked of the origin are seeded into the store", () => {
  it("after the L1 TTL a list and its region's main come from the store, not the origin", async () => {
    await withEdgeStack({ config: { EDGE_L1_TTL_MS: 10_000 } }, async (s) => {
      const path = "/v1/shops?region=mapo&category=pizza&limit=3";
      const first = await s.get(path);
      expect(first.headers.get("x-cache")).toBe("MISS");
      const listCalls = () => s.calls.filter((c) => c.includes("region=mapo")).length;
      expect(listCalls()).toBe(1);
      await waitFor(async () => (await s.store.get(docKey.list("mapo", "pizza"))) !== null, 10_000);
      s.advance(10_001); // past the L1 TTL
      const again = await s.get(path);
      expect(again.json).toEqual(first.json);
      expect(listCalls()).toBe(1);
      const main = await s.get("/v1/main?region=mapo"); // ten lists from the origin, seeded
      expect(main.status).toBe(200);
      const calls = listCalls();
      s.advance(10_001);
      expect((await s.get("/v1/main?region=mapo")).json).toEqual(main.json);
      expect(listCalls()).toBe(calls);
    });
  });
});

describe("edge L1 invalidation where the store announces writes", () => {
  it("a list change is served at once, and the region's main, made from its lists, with it", async () => {
    const db = await pglite.open();
    const s = await startEdgeStack(db, { config: { EDGE_L1_TTL_MS: 60_000 } });
    const card = (id: string, ad: ListEntry["ad"]): ListEntry => ({
      id,
      name: `새 가게 ${id}`,
      category: "chicken",
      rating: 4.2,
      reviewCount: 3,
      minOrder: 12000,
      deliveryFee: 0,
      openHours: "11:00-23:00",
      ad,
    });
    const put = (e: ListEntry) =>
      s.store.applyLists(
        [
          {
            list: docKey.list("gwanak", "chicken"),
            id: e.id,
            guard: { version: 1, seq: 1 },
            entry: { member: listMember(e), card: JSON.stringify(e) },
          },
        ],
        new Date().toISOString(),
      );
    try {
      await put(card("s_new_1", null));
      const list = await s.get("/v1/shops?region=gwanak&category=chicken");
      expect(list.json.shops.map((e: ListEntry) => e.id)).toEqual(["s_new_1"]);
      const main = await s.get("/v1/main?region=gwanak");
      expect(main.json.categories.find((c: { category: string }) => c.category === "chicken").count).toBe(1);
      expect(main.json.featured).toEqual([]);
      expect(s.calls.filter((c) => c.includes("gwanak"))).toEqual([]); // both from the store, no origin

      const endsAt = new Date(Date.now() + 3_600_000).toISOString();
      await put(card("s_new_2", { product: "open_list", bid: 500, endsAt }));
      const after = await s.get("/v1/shops?region=gwanak&category=chicken");
      expect(after.json.shops.map((e: ListEntry) => e.id)).toEqual(["s_new_2", "s_new_1"]);
      const mainAfter = await s.get("/v1/main?region=gwanak");
      expect(
        mainAfter.json.categories.find((c: { category: string }) => c.category === "chicken").count,
      ).toBe(2);
      expect(mainAfter.json.featured.map((e: ListEntry) => e.id)).toEqual(["s_new_2"]);
      expect(mainAfter.headers.get("etag")).not.toBe(main.headers.get("etag"));
    } finally {
      await s.stop();
      await db.close();
    }
  });

  it("serves a changed document at once, not after the L1 TTL", async () => {
    await withEdgeStack({ config: { EDGE_L1_TTL_MS: 60_000 } }, async (s) => {
      const first = await s.get("/v1/shops/s_demo_000011");
      expect(first.headers.get("x-cache")).toBe("MISS");
      const builtAt = new Date().toISOString();
      await s.store.put(docKey.detail("s_demo_000011"), {
        body: JSON.stringify({ ...first.json, name: "즉시", version: 2 }),
        version: 2,
        seq: 999,
        builtAt,
      });
      const next = await s.get("/v1/shops/s_demo_000011");
      expect(next.json.name).toBe("즉시");
    });
  });

  it("keeps the announced key's old copy for a read that finds neither the store nor the origin", async () => {
    await withEdgeStack({ config: { EDGE_L1_TTL_MS: 60_000 } }, async (s) => {
      const first = await s.get("/v1/shops/s_demo_000012");
      expect(first.status).toBe(200);
      // The store loses the document (Redis restarted empty, say) and says so; the origin is down.
      await s.store.delete([docKey.detail("s_demo_000012")]);
      await s.killOrigin();
      const next = await s.get("/v1/shops/s_demo_000012");
      expect(next.status).toBe(200);
      expect(next.headers.get("x-cache")).toBe("STALE");
      expect(next.json.name).toBe(first.json.name);
    });
  });
});
