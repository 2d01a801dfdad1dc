import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { docKey } from "../contract/index.ts";
import { engines } from "./databases.ts";
import { startEdgeStack } from "./edge-stack.ts";
import { waitFor } from "./event-receiver.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("edge read API (Node, memory store)", () => {
  const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;
  let s: Awaited<ReturnType<typeof startEdgeStack>>;
  beforeEach(async () => {
    s = await startEdgeStack(await pglite.open());
  });
  afterEach(async () => {
    await s.stop();
    await s.db.close();
  });

  it("serves detail, list and main: MISS from the origin, then HIT, with caching headers", async () => {
    const first = await s.get("/v1/shops/s_demo_000001");
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    expect(first.json).toMatchObject({ id: "s_demo_000001", version: 1, deleted: false });
    expect(first.json.owner).not.toHaveProperty("bankAccount");
    expect(first.headers.get("etag")).toMatch(/^"1\.\d+\.[0-9a-z]+"$/);
    expect(first.headers.get("cache-control")).toMatch(
      /max-age=\d+, stale-while-revalidate=\d+, stale-if-error=\d+/,
    );
    expect(first.headers.get("x-doc-version")).toBe("1");
    expect(Number(first.headers.get("age"))).toBeGreaterThanOrEqual(0);
    const second = await s.get("/v1/shops/s_demo_000001");
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.text).toBe(first.text);

    const list = await s.get("/v1/shops?region=gangnam&category=chicken&limit=1");
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ region: "gangnam", category: "chicken" });
    expect(list.json.shops).toHaveLength(1);
    const main = await s.get("/v1/main?region=gangnam");
    expect(main.json.categories).toHaveLength(10);
    expect(await s.store.get(docKey.main("gangnam"))).not.toBeNull(); // written through
  });

  it("answers If-None-Match with 304, and pages a list with opaque cursors", async () => {
    const first = await s.get("/v1/shops/s_demo_000002");
    const etag = first.headers.get("etag") as string;
    const again = await s.get("/v1/shops/s_demo_000002", { "if-none-match": `W/${etag}, "other"` });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");

    const full = (await s.get("/v1/shops?region=gangnam&category=chicken&limit=100")).json;
    expect(full.total).toBe(4);
    const seen: string[] = [];
    let cursor = "";
    for (let i = 0; i < 20; i++) {
      const page = (
        await s.get(`/v1/shops?region=gangnam&category=chicken&limit=1${cursor ? `&cursor=${cursor}` : ""}`)
      ).json;
      seen.push(...page.shops.map((x: { id: string }) => x.id));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toEqual(full.shops.map((x: { id: string }) => x.id));
    expect(
      (await s.get("/v1/shops?region=gangnam&category=chicken&cursor=bogus")).json.error.details[0].field,
    ).toBe("cursor");
  });

  it("404s unknown shops (briefly cached) and tombstones (without asking the origin)", async () => {
    expect((await s.get("/v1/shops/s_nope")).status).toBe(404);
    const calls = s.calls.length;
    expect((await s.get("/v1/shops/s_nope")).status).toBe(404);
    expect(s.calls.length).toBe(calls); // the negative answer was cached
    await s.store.put(docKey.detail("s_gone"), {
      body: JSON.stringify({
        id: "s_gone",
        deleted: true,
        version: 9,
        seq: 1,
        builtAt: new Date().toISOString(),
      }),
      version: 9,
      seq: 1,
      builtAt: new Date().toISOString(),
    });
    const before = s.calls.length;
    const gone = await s.get("/v1/shops/s_gone");
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe("not_found");
    expect(s.calls.length).toBe(before);
  });

  it("100 concurrent misses for one key make one origin call", async () => {
    const before = s.calls.filter((c) => c.includes("s_demo_000003")).length;
    const answers = await Promise.all(Array.from({ length: 100 }, () => s.get("/v1/shops/s_demo_000003")));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(s.calls.filter((c) => c.includes("s_demo_000003")).length - before).toBe(1);
  });

  it("origin killed: warmed keys answer 200 STALE, unwarmed ones 503 within the budget", async () => {
    s.edge.startProbe(50);
    await s.get("/v1/shops/s_demo_000004");
    await s.killOrigin();
    await waitFor(() => s.edge.health.isDown(), 2000);
    await sleep(250); // past the L1 TTL: the answer comes from the store
    const warm = await s.get("/v1/shops/s_demo_000004");
    expect(warm.status).toBe(200);
    expect(warm.headers.get("x-cache")).toBe("STALE");
    const cold = await s.get("/v1/shops/s_demo_000005");
    expect(cold.status).toBe(503);
    expect(cold.headers.get("retry-after")).toBeTruthy();
    expect(cold.json.error.code).toBe("unavailable");
    expect(cold.ms).toBeLessThan(300 + 50);
    await s.restartOrigin();
    await waitFor(() => !s.edge.health.isDown(), 2000);
    expect((await s.get("/v1/shops/s_demo_000005")).status).toBe(200);
  });

  it("store down: answers come from L1 or the origin, never a 500", async () => {
    await s.get("/v1/shops/s_demo_000006");
    s.storeFaults.mode = "fail";
    const fromL1 = await s.get("/v1/shops/s_demo_000006");
    expect(fromL1.status).toBe(200);
    const fromOrigin = await s.get("/v1/shops/s_demo_000007");
    expect(fromOrigin.status).toBe(200);
    expect(fromOrigin.headers.get("x-cache")).toBe("MISS");
    s.storeFaults.mode = "hang";
    await sleep(250);
    const slowStore = await s.get("/v1/shops/s_demo_000006");
    expect(slowStore.status).toBe(200);
    expect(slowStore.ms).toBeLessThan(1000);
  });

  it("X-Min-Version ahead of the store gets the newer version; with the origin down, a 503", async () => {
    await s.get("/v1/shops/s_demo_000008");
    const patched = await s.originApp.request("/shops/s_demo_000008", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "새 버전" }),
    });
    const { version } = (await patched.json()) as { version: number };
    const plain = await s.get("/v1/shops/s_demo_000008");
    expect(plain.json.version).toBe(1); // no sync-worker here: the store still has version 1
    const ryw = await s.get("/v1/shops/s_demo_000008", { "x-min-version": String(version) });
    expect(ryw.status).toBe(200);
    expect(ryw.json).toMatchObject({ version, name: "새 버전" });
    expect(ryw.headers.get("x-cache")).toBe("REVALIDATED");
    await s.killOrigin();
    const ahead = await s.get("/v1/shops/s_demo_000008", { "x-min-version": String(version + 1) });
    expect(ahead.status).toBe(503);
    expect((await s.get("/v1/shops/s_demo_000008", { "x-min-version": "soon" })).status).toBe(400);
  });

  it("a document changed in the store is served within the L1 TTL", async () => {
    await s.get("/v1/shops/s_demo_000009");
    const stored = await s.store.get(docKey.detail("s_demo_000009"));
    const newer = { ...JSON.parse(stored?.body as string), name: "동기화됨", version: 2 };
    const builtAt = new Date().toISOString();
    await s.store.put(docKey.detail("s_demo_000009"), {
      body: JSON.stringify(newer),
      version: 2,
      seq: 99,
      builtAt,
    });
    await waitFor(async () => (await s.get("/v1/shops/s_demo_000009")).json.name === "동기화됨", 1000, 20);
  });

  it("rejects bad parameters with the error body", async () => {
    for (const path of [
      "/v1/main",
      "/v1/main?region=Gangnam",
      "/v1/shops?region=gangnam&category=sushi",
      "/v1/shops?region=gangnam&category=chicken&limit=0",
      "/v1/shops/bad!id",
    ]) {
      const res = await s.get(path);
      expect(res.status, path).toBe(400);
      expect(res.json.error.code).toBe("validation_failed");
    }
    expect((await s.get("/v2/anything")).status).toBe(404);
  });
});

describe("edge safety net: a document past its max age is revalidated in the background", () => {
  it("serves it STALE at once and refreshes it from the origin", async () => {
    const db = await (engines()[0] as NonNullable<ReturnType<typeof engines>[0]>).open();
    const s = await startEdgeStack(db, { config: { EDGE_MAX_AGE_S: 1 } });
    try {
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
      await waitFor(async () => (await s.store.get(docKey.detail("s_demo_000010")))?.builtAt !== old, 2000);
      await new Promise((r) => setTimeout(r, 250));
      const fresh = await s.get("/v1/shops/s_demo_000010");
      expect(fresh.json.name).not.toBe("오래된");
      expect(fresh.headers.get("x-cache")).toBe("HIT");
    } finally {
      await s.stop();
      await db.close();
    }
  });
});
