import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { originDataDir } from "./databases.ts";
import { freePort, waitFor } from "./event-receiver.ts";
import { DEV_METRICS, type Service, startService } from "./process.ts";

/**
 * A hostile client against real processes — the origin on PGlite and the query side (sync-worker and
 * edge sharing the memory store) — once the first build and the catalogue are complete. Origin calls
 * are counted at the origin, by route, from its own metrics: nothing else calls the state API's shop
 * routes once the build is done (the sync-worker's catch-up, outbox probe and sweep use others).
 */
const SHOPS = 400;
const RATE = 10;
const BURST = 20;
const ADMIN = { authorization: "Bearer dev-admin-token", "content-type": "application/json" };

let origin: Service;
let query: Service;
let dataDir: string;
let syncUrl: string;

beforeAll(async () => {
  dataDir = await originDataDir("hostile-origin-");
  const [originPort, edgePort, syncPort] = [await freePort(), await freePort(), await freePort()];
  syncUrl = `http://127.0.0.1:${syncPort}`;
  const originUrl = `http://127.0.0.1:${originPort}`;
  origin = await startService(
    "origin/entry/node.ts",
    {
      DATABASE_URL: "",
      ORIGIN_DATA_DIR: dataDir,
      DEMO_SHOPS: String(SHOPS),
      LOG_LEVEL: "warn",
      SYNC_URL: syncUrl,
    },
    originPort,
  );
  query = await startService(
    "bin/query/node.ts",
    {
      ORIGIN_URL: originUrl,
      EDGE_PORT: String(edgePort),
      SYNC_PORT: String(syncPort),
      STORE: "memory",
      QUEUE: "memory",
      LOG_LEVEL: "warn",
      EDGE_FALLBACK_RATE: String(RATE),
      EDGE_FALLBACK_BURST: String(BURST),
      // One client here (the test): its own limit is set out of the way so the process's is what shows.
      EDGE_CLIENT_MISS_RATE: "1000",
      EDGE_CLIENT_MISS_BURST: "1000",
    },
    edgePort,
  );
  // The catalogue is complete once every shop the origin enumerates was built (the sweep says so).
  await waitFor(async () => (await status()).catalogue.complete === true, 90_000, 250);
}, 150_000);

afterAll(async () => {
  await query?.stop();
  await origin?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

type Status = { catalogue: { complete: boolean }; documents: { detail: number; list: number; main: number } };
const status = async (): Promise<Status> =>
  (await (await fetch(`${syncUrl}/admin/status`, { headers: ADMIN })).json()) as Status;

/** State API calls the origin answered on the shop routes the edge's fallback uses. */
async function shopCalls(): Promise<number> {
  const text = await (await fetch(`${origin.url}/metrics`, { headers: DEV_METRICS })).text();
  let n = 0;
  for (const m of text.matchAll(
    /^origin_http_requests_total\{route="\/state\/shops(?:\/:id)?",[^}]*\} (\d+)$/gm,
  ))
    n += Number(m[1]);
  return n;
}
async function refused(reason: string): Promise<number> {
  const text = await (await fetch(`${query.url}/metrics`, { headers: DEV_METRICS })).text();
  const m = new RegExp(`^edge_fallbacks_refused_total\\{reason="${reason}"\\} (\\d+)$`, "m").exec(text);
  return Number(m?.[1] ?? 0);
}

const read = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${query.url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
};
/** Many requests at once, in waves of `wave` (a client's sockets are finite too). */
async function flood<T>(paths: string[], go: (path: string) => Promise<T>, wave = 100): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < paths.length; i += wave)
    out.push(...(await Promise.all(paths.slice(i, i + wave).map(go))));
  return out;
}
const random = () => Math.random().toString(36).slice(2, 10);

describe("hostile reads cannot make the origin or the store do unbounded work", () => {
  it("1,000 random shop ids: 404s naming the id, answered from the catalogue, not the origin", async () => {
    const before = { calls: await shopCalls(), refused: await refused("catalogue") };
    const answers = await flood(
      Array.from({ length: 1000 }, () => `/v1/shops/s_${random()}`),
      (p) => read(p),
    );
    expect(answers.every((a) => a.status === 404)).toBe(true);
    expect(answers[0]?.json.error).toMatchObject({ code: "not_found", details: [{ field: "id" }] });
    expect((await shopCalls()) - before.calls).toBeLessThanOrEqual(20);
    expect((await refused("catalogue")) - before.refused).toBeGreaterThanOrEqual(980);
  });

  it("300 reads of made-up regions: 404s naming the region, no origin calls beyond 20, no document written", async () => {
    const [calls, docs] = [await shopCalls(), (await status()).documents];
    const answers = await flood(
      Array.from({ length: 300 }, (_, i) =>
        i % 2 ? `/v1/main?region=r${random()}` : `/v1/shops?region=r${random()}&category=chicken`,
      ),
      (p) => read(p),
    );
    expect(answers.every((a) => a.status === 404)).toBe(true);
    expect(answers[0]?.json.error).toMatchObject({ code: "not_found", details: [{ field: "region" }] });
    expect((await shopCalls()) - calls).toBeLessThanOrEqual(20);
    expect((await status()).documents).toEqual(docs);
  });

  it("300 known shops purged then read at once: origin calls within burst plus rate, the rest fast 503s", async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `s_demo_${String(i + 1).padStart(6, "0")}`);
    const purge = await fetch(`${syncUrl}/admin/purge`, {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ shopIds: ids }),
    });
    expect(purge.status).toBe(200);
    const calls = await shopCalls();
    const started = performance.now();
    const answers = await flood(ids, (id) => read(`/v1/shops/${id}`), 300);
    const seconds = (performance.now() - started) / 1000;
    const made = (await shopCalls()) - calls;
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThanOrEqual(BURST + Math.ceil(RATE * seconds) + 1);
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].every((s) => s === 200 || s === 503)).toBe(true);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThanOrEqual(300 - made);
    for (const a of unavailable) {
      expect(Number(a.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(a.json.error.code).toBe("unavailable");
    }
    expect(await refused("rate")).toBeGreaterThan(0);
    // The shops are still there: a read once the limit allows gets one back.
    await waitFor(async () => (await read(`/v1/shops/${ids.at(-1)}`)).status === 200, 30_000, 200);
  });

  it("200 reads with a far X-Min-Version: at most one origin check per key per 250 ms, answered BEHIND", async () => {
    const keys = ["s_demo_000390", "s_demo_000391", "s_demo_000392", "s_demo_000393"];
    for (const id of keys) expect((await read(`/v1/shops/${id}`)).status).toBe(200);
    const calls = await shopCalls();
    const started = performance.now();
    const answers: Awaited<ReturnType<typeof read>>[] = [];
    for (let i = 0; i < 50; i++)
      answers.push(
        ...(await Promise.all(keys.map((id) => read(`/v1/shops/${id}`, { "x-min-version": "999999999" })))),
      );
    const intervals = Math.ceil((performance.now() - started) / 250) + 1;
    expect((await shopCalls()) - calls).toBeLessThanOrEqual(keys.length * intervals);
    expect(answers.every((a) => a.status === 200 && a.headers.get("x-cache") === "BEHIND")).toBe(true);
    expect(answers.every((a) => Number(a.headers.get("x-doc-version")) < 999999999)).toBe(true);
  });

  it("1,100 searches of made-up regions: 404s, no index built, a real region's index stays warm", async () => {
    const search = (region: string) => read(`/v1/search?${new URLSearchParams({ region, q: "치킨" })}`);
    const first = await search("gangnam");
    expect(first.status).toBe(200);
    const regionsBefore = (await read("/healthz", DEV_METRICS)).json.searchRegions;
    const answers = await flood(
      Array.from({ length: 1100 }, () => `r${random()}`),
      (r) => search(r),
    );
    expect(answers.every((a) => a.status === 404)).toBe(true);
    expect(answers[0]?.json.error).toMatchObject({ code: "not_found", details: [{ field: "region" }] });
    expect((await read("/healthz", DEV_METRICS)).json.searchRegions).toBe(regionsBefore);
    const again = await search("gangnam");
    expect(again.headers.get("x-cache")).toBe("HIT");
    expect(again.json.total).toBe(first.json.total);
  });

  it("a shop created now is served at the edge as soon as it is built: the catalogue follows", async () => {
    const owner = await fetch(`${origin.url}/owners`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "새 사장",
        businessName: "새 가게 주식회사",
        businessNumber: "123-45-67890",
        phone: "010-0000-0000",
        email: "owner@example.com",
        bankAccount: "000-000000-00-000",
      }),
    });
    expect(owner.status).toBe(201);
    const shop = await fetch(`${origin.url}/shops`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        ownerId: ((await owner.json()) as { id: string }).id,
        name: "방금 연 가게",
        category: "snack",
        regions: ["brand-new-region"],
        address: "서울 어딘가 1",
        phone: "02-000-0000",
        minOrder: 10000,
        deliveryFee: 2000,
        openHours: "10:00-22:00",
      }),
    });
    expect(shop.status).toBe(201);
    const { id } = (await shop.json()) as { id: string };
    await waitFor(async () => (await read(`/v1/shops/${id}`)).status === 200, 30_000, 50);
    await waitFor(async () => (await read("/v1/main?region=brand-new-region")).status === 200, 30_000, 50);
  });
});
