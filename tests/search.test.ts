import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SearchPage } from "../contract/index.ts";
import { edgeConfig } from "../edge/config.ts";
import { createEdge } from "../edge/service.ts";
import { createLogger } from "../runtime/index.ts";
import { nodeServe } from "../runtime/node.ts";
import { engines } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";
import { startStack, TOKENS } from "./stack.ts";

const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;
const SHOPS = 60;

/** Search at the edge over what the sync-worker built from the demo data (memory store, in process). */
describe("GET /v1/search: Korean-aware shop and menu search at the edge", () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let edge: ReturnType<typeof createEdge>;
  beforeAll(async () => {
    stack = await startStack(await pglite.open(), { demoShops: SHOPS });
    stack.sync.start(0);
    await waitFor(async () => (await stack.store.countDocuments()).detail === SHOPS, 20_000);
    await stack.sync.consumer.drain();
    edge = createEdge({
      store: stack.store,
      originUrl: stack.originUrl,
      stateToken: TOKENS.state,
      metricsToken: TOKENS.metrics,
      logger: createLogger("test", "silent"),
      config: edgeConfig({}),
    });
  }, 60_000);
  afterAll(async () => {
    edge.health.stop();
    await stack.stop();
    await stack.db.close();
  });
  const get = async (query: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await edge.fetch(
      new Request(`http://edge.test/v1/search?${new URLSearchParams(query)}`, { headers }),
    );
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : null };
  };
  const ids = async (q: string, region = "gangnam") => {
    const res = await get({ region, q, limit: "50" });
    expect(res.status, `${q}: ${res.text}`).toBe(200);
    return (SearchPage.parse(res.json).shops as { id: string }[]).map((s) => s.id);
  };

  it("finds a shop by its full name, a two-syllable part, with or without spaces, and by initial consonants", async () => {
    expect((await ids("행복한 치킨 gangnam점"))[0]).toBe("s_demo_000001");
    expect(await ids("복한")).toContain("s_demo_000001"); // inside a word, not only at its start
    expect((await ids("행복한치킨"))[0]).toBe("s_demo_000001");
    expect((await ids("행복 한 치킨"))[0]).toBe("s_demo_000001");
    expect(await ids("ㅎㅂㅎㅊㅋ")).toContain("s_demo_000001");
    expect(await ids("GANGNAM점")).toContain("s_demo_000001"); // Latin letters ignore case
  });

  it("finds a shop by a menu, by its initial consonants, with one typo, and by a Korean category", async () => {
    const byMenu = SearchPage.parse((await get({ region: "gangnam", q: "떡볶이" })).json);
    const snack = byMenu.shops.find((s) => s.id === "s_demo_000006");
    expect(snack?.matchedMenus).toContain("떡볶이");
    expect(await ids("ㄸㅂㅇ")).toContain("s_demo_000006");
    expect(await ids("떡볶기")).toContain("s_demo_000006"); // one jamo off, three syllables
    expect(await ids("떡")).toContain("s_demo_000006");
    expect(await ids("분식")).toContain("s_demo_000006");
    expect(await ids("없는가게이름")).toEqual([]);
  });

  it("ranks name matches above menu matches, and pages without repeats", async () => {
    const page = SearchPage.parse((await get({ region: "gangnam", q: "치킨", limit: "50" })).json);
    const named = page.shops.map((s) => s.name.replace(/\s/g, "").includes("치킨"));
    // Both kinds must be there, or the order says nothing: shops named for it, then shops serving it.
    expect(named.filter(Boolean).length).toBeGreaterThan(0);
    expect(named.filter((n) => !n).length).toBeGreaterThan(0);
    expect(named).toEqual([...named].sort((a, b) => Number(b) - Number(a)));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get({ region: "gangnam", q: "치킨", limit: "2", ...(cursor ? { cursor } : {}) });
      const p = SearchPage.parse(res.json);
      seen.push(...p.shops.map((s) => s.id));
      cursor = p.next;
    } while (cursor);
    expect(seen).toEqual(page.shops.map((s) => s.id));
    const first = await get({ region: "gangnam", q: "치킨" });
    expect(first.headers.get("etag")).toBeTruthy();
    expect(
      (await get({ region: "gangnam", q: "치킨" }, { "if-none-match": first.headers.get("etag") as string }))
        .status,
    ).toBe(304);
  });

  it("shows a rename, a new menu and a delete (how soon: bench/search.ts)", async () => {
    await stack.origin("PATCH", "/shops/s_demo_000002", { name: "새로운 화덕 피자집" });
    await waitFor(async () => (await ids("화덕피자"))[0] === "s_demo_000002", 15_000, 20);
    await stack.origin("POST", "/shops/s_demo_000003/menus", { name: "트러플 감자전", price: 15000 });
    await waitFor(async () => (await ids("트러플감자")).includes("s_demo_000003"), 15_000, 20);
    await stack.origin("DELETE", "/shops/s_demo_000002");
    await waitFor(async () => !(await ids("화덕피자")).includes("s_demo_000002"), 15_000, 20);
  });

  it("edge-cache search prints the top results, and a refusal as one line", async () => {
    const server = await nodeServe(edge.fetch, "127.0.0.1", 0);
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ["cli/bin.mjs", "search", ...args], {
        cwd: resolve(import.meta.dirname, ".."),
        env: { ...process.env, EDGE_URL: `http://127.0.0.1:${server.port}` },
      }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    try {
      const found = (await cli("떡볶이", "--region", "gangnam")) as { stdout: string };
      expect(found.stdout).toMatch(/shop\(s\) in gangnam for “떡볶이”/);
      expect(found.stdout).toMatch(/menus: 떡볶이.*\[s_demo_000006\]/);
      const refused = (await cli("   ", "--region", "gangnam")) as { code: number; stderr: string };
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("validation_failed");
    } finally {
      await server.close();
    }
  });

  it("refuses bad input with the field named, never reflecting it unescaped", async () => {
    for (const [query, field] of [
      [{ region: "gangnam" }, "q"],
      [{ region: "gangnam", q: "   " }, "q"],
      [{ region: "gangnam", q: "가".repeat(101) }, "q"],
      [{ region: "gangnam", q: "<script>alert(1)</script>" }, "q"],
      [{ region: "gangnam", q: "떡\u0001볶이" }, "q"],
      [{ region: "not a region!", q: "떡" }, "region"],
      [{ region: "gangnam", q: "떡", cursor: "bm9wZQ" }, "cursor"],
      [{ region: "gangnam", q: "떡", limit: "0" }, "limit"],
    ] as [Record<string, string>, string][]) {
      const res = await get(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(JSON.stringify(res.json.error.details), JSON.stringify(query)).toContain(field);
      expect(res.text).not.toContain("<script>");
    }
  });
});
