import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startUpstashRestServer } from "../../tests/upstash-rest-server.ts";
import type { StoreFactory } from "../suites/kit.ts";
import { listStoreSuite } from "../suites/list-suite.ts";
import { recordStoreSuite } from "../suites/records-suite.ts";
import { servedStoreSuite } from "../suites/served-suite.ts";
import { createRedisStore } from "./redis-store.ts";
import { connectRedisRequester, RawRedis } from "./tcp.ts";

const redisUrl = inject("redisUrl");
// Each test gets its own prefix and purges it after, so runs never see each other's keys.
const uniquePrefix = () => `ec-test-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

describe.runIf(redisUrl)("Redis adapters (real server)", () => {
  const url = redisUrl as string;

  const overTcp: StoreFactory = async () => {
    const requester = await connectRedisRequester(url);
    const store = createRedisStore(new RawRedis(requester), {
      prefix: uniquePrefix(),
      close: requester.close,
      subscribe: requester.subscribe,
    });
    return {
      store,
      cleanup: async () => {
        await store.purgeAll({ deadLetters: true });
        await store.close();
      },
    };
  };
  servedStoreSuite("redis over TCP (custom Requester)", overTcp, { atomicGuard: true, notifies: true });
  recordStoreSuite("redis over TCP", overTcp);
  listStoreSuite("redis over TCP", overTcp, { atomic: true });

  let rest: Awaited<ReturnType<typeof startUpstashRestServer>>;
  beforeAll(async () => {
    rest = await startUpstashRestServer(url, "rest-test-token");
  });
  afterAll(() => rest?.close());

  const overRest: StoreFactory = async () => {
    const redis = new Redis({
      url: rest.url,
      token: "rest-test-token",
      automaticDeserialization: false,
      enableTelemetry: false,
    });
    const store = createRedisStore(redis, { prefix: uniquePrefix() });
    return { store, cleanup: async () => void (await store.purgeAll({ deadLetters: true })) };
  };
  servedStoreSuite("redis over Upstash REST (@upstash/redis HTTP client)", overRest, { atomicGuard: true });
  recordStoreSuite("redis over Upstash REST", overRest);
  listStoreSuite("redis over Upstash REST", overRest, { atomic: true });

  it("calls its scripts by SHA-1, and loads them again after the server forgot them", async () => {
    const requester = await connectRedisRequester(url);
    const sent: string[] = [];
    const store = createRedisStore(
      new RawRedis({
        request: (req) => {
          const cmds = (req.path?.[0] === "pipeline" ? req.body : [req.body]) as string[][];
          for (const c of cmds) sent.push(String(c[0]).toLowerCase());
          return requester.request(req);
        },
      }),
      { prefix: uniquePrefix() },
    );
    try {
      const put = (seq: number) =>
        store.put(`detail:s_lua`, {
          body: `{"n":${seq}}`,
          version: seq,
          seq,
          builtAt: "2026-12-01T00:00:00.000Z",
        });
      await put(1);
      await put(2);
      expect(sent.filter((c) => c === "eval")).toEqual([]);
      expect(sent.filter((c) => c === "evalsha").length).toBeGreaterThanOrEqual(2);
      await requester.request({ body: ["SCRIPT", "FLUSH"] }); // a restart would do the same
      expect((await put(3)).written).toBe(true);
      await store.applyLists([], "2026-12-01T00:00:00.000Z");
      expect(await store.listHeads(["list:gangnam:chicken"], 1)).toHaveLength(1);
      expect((await store.get("detail:s_lua"))?.body).toBe('{"n":3}');
    } finally {
      await store.purgeAll({ deadLetters: true });
      await requester.close();
    }
  });

  it("keeps documents of two prefixes apart, and purges none of a queue sharing its prefix", async () => {
    const requester = await connectRedisRequester(url);
    const shared = uniquePrefix();
    const raw = new RawRedis(requester);
    await raw.set(`${shared}:q`, "a queue stream would live here");
    const a = createRedisStore(raw, { prefix: shared });
    const b = createRedisStore(new RawRedis(requester), { prefix: uniquePrefix() });
    const d = { body: "{}", version: 1, seq: 1, builtAt: "2026-11-26T00:00:00.000Z" };
    await a.put("main:mapo", d);
    await b.put("main:mapo", d);
    expect(await a.purgeAll()).toBe(1);
    expect(await b.get("main:mapo")).not.toBeNull();
    await b.purgeAll();
    expect(await raw.get(`${shared}:q`)).toBe("a queue stream would live here");
    await raw.del(`${shared}:q`);
    await requester.close();
  });
});
