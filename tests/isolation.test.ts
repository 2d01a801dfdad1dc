import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OWNER_PRIVATE_FIELDS } from "../contract/index.ts";
import { generateDemo } from "../origin/demo/generate.ts";
import { pendingCount } from "../origin/domain/outbox.ts";
import { swaggerAssets } from "../runtime/assets.ts";
import { createLogger, mountDocs, Registry, serviceApp } from "../runtime/index.ts";
import { engines } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";
import { startStack, TOKENS } from "./stack.ts";

const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;
const SHOPS = 150;
const MAX_DEPTH = 20;

/**
 * What a stranger gets from the three services' private surfaces: the state API, the console's
 * login, the ingest under a flood. One stack; the consumer is started only by the last test.
 */
describe("isolation: private data, fail-closed tokens, limits that know the client", () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  beforeAll(async () => {
    stack = await startStack(await pglite.open(), { demoShops: SHOPS, sync: { queueMaxDepth: MAX_DEPTH } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await stack?.db.close();
  });
  const state = (path: string, token?: string) =>
    fetch(`${stack.originUrl}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  it("the state API answers 401 without STATE_TOKEN, or with another service's token", async () => {
    const paths = [
      "/state/shops/s_demo_000001",
      "/state/shops/ids",
      "/state/shops/batch?ids=s_demo_000001",
      "/state/shops?region=gangnam&category=chicken",
      "/state/owners/o_demo_000001",
      "/state/changes",
      "/state/outbox",
    ];
    for (const path of paths) {
      for (const token of [undefined, TOKENS.admin, TOKENS.events]) {
        const res = await state(path, token);
        expect([path, token, res.status]).toEqual([path, token, 401]);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
      }
    }
    expect((await state("/state/shops/s_demo_000001", TOKENS.state)).status).toBe(200);
  });

  it("no state answer carries an owner's phone, email or bank account: every demo shop and owner", async () => {
    const demo = generateDemo({ shops: SHOPS, seed: 11, now: Date.now() });
    const secrets = demo.owners.flatMap((o) => OWNER_PRIVATE_FIELDS.map((f) => o[f]));
    expect(secrets.length).toBe(demo.owners.length * 3);
    const bodies: string[] = [];
    const read = async (path: string) => {
      const res = await state(path, TOKENS.state);
      expect([path, res.status]).toEqual([path, 200]);
      bodies.push(await res.text());
    };
    const ids = demo.shops.map((s) => s.id);
    for (let i = 0; i < ids.length; i += 100) await read(`/state/shops/batch?ids=${ids.slice(i, i + 100)}`);
    for (const id of ids) await read(`/state/shops/${id}`);
    for (const owner of demo.owners) await read(`/state/owners/${owner.id}`);
    const lists = new Set(demo.shops.flatMap((s) => s.regions.map((r) => `${r}&category=${s.category}`)));
    for (const q of lists) await read(`/state/shops?region=${q}`);
    const leaked = bodies.flatMap((body) => secrets.filter((secret) => body.includes(secret)));
    expect(leaked).toEqual([]);
    const owners = bodies.flatMap((b) => JSON.stringify(JSON.parse(b)).match(/"owner":\{[^}]*\}/g) ?? []);
    expect(owners.length).toBeGreaterThan(SHOPS);
    for (const field of OWNER_PRIVATE_FIELDS) expect(owners.join("\n")).not.toContain(`"${field}"`);
  });

  it("/docs/<name> serves only the reference page's files: inherited names are 404s, not 500s", async () => {
    const app = serviceApp({ logger: createLogger("test", "silent"), registry: new Registry("t") });
    mountDocs(app, "t", () => ({}), swaggerAssets);
    expect((await app.request("/docs/swagger-ui.css")).status).toBe(200);
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"])
      expect([name, (await app.request(`/docs/${name}`)).status]).toEqual([name, 404]);
  });

  it("the console's login limit holds under a forged X-Forwarded-For, and never echoes it", async () => {
    const login = (forwardedFor: string, token = "a-wrong-guess") =>
      fetch(`${stack.syncUrl}/console/login`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: stack.syncUrl,
          "x-forwarded-for": forwardedFor,
        },
        body: new URLSearchParams({ token }).toString(),
        redirect: "manual",
      });
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await login(`198.51.100.${i}`)).status);
    // Ten guesses (the burst) from this one socket, whatever address each claimed; then 429.
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
    const refused = await login("203.0.113.77", TOKENS.admin);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const text = await refused.text();
    expect(text).toContain("rate_limited");
    expect(text).not.toContain("203.0.113.77");
  });

  it("ingest past QUEUE_MAX_DEPTH answers 503 + Retry-After; once the queue drains, every event is delivered once", async () => {
    const event = (i: number) => ({
      type: "shop",
      id: `s_demo_${String(i + 1).padStart(6, "0")}`,
      occurredAt: new Date().toISOString(),
    });
    // Nothing consumes yet: 25 events fill the queue past its limit of 20.
    const first = await stack.ingest({ events: Array.from({ length: 25 }, (_, i) => event(i)) });
    expect(first.status).toBe(202);
    const full = await fetch(`${stack.syncUrl}/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKENS.events}`, "content-type": "application/json" },
      body: JSON.stringify(event(30)),
    });
    expect(full.status).toBe(503);
    expect(full.headers.get("retry-after")).toBe("2");
    expect(((await full.json()) as { error: { code: string } }).error.code).toBe("unavailable");
    expect(await stack.queue.depth()).toMatchObject({ ready: 25 }); // the refused one was not queued

    // The origin's relay meets the same 503 for 40 commits, and keeps them.
    for (let i = 40; i < 80; i++) {
      const id = `s_demo_${String(i + 1).padStart(6, "0")}`;
      expect((await stack.origin("PATCH", `/shops/${id}`, { rating: 4.2 })).status).toBe(200);
    }
    await waitFor(() => (stack.relay?.stats.failedAttempts ?? 0) > 0, 10_000);
    expect(stack.sync.counters.eventsRefused).toBeGreaterThan(0);
    expect(await pendingCount(stack.db)).toBeGreaterThan(0);

    stack.sync.consumer.start(); // the queue drains; the relay's next try is accepted
    await waitFor(async () => (await pendingCount(stack.db)) === 0, 30_000);
    expect(stack.sync.counters.eventsIn).toBe(25 + 40); // each accepted once: nothing lost, nothing twice
    await waitFor(() => stack.sync.counters.eventsProcessed >= 65, 15_000);
    const detail = await stack.doc("detail:s_demo_000041");
    expect(detail.rating).toBe(4.2);
    expect(await stack.scrape(stack.syncUrl)).toMatch(/^sync_events_refused_total [1-9]\d*$/m);
  }, 60_000);
});
