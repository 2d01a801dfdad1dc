import { execSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { docKey } from "../contract/index.ts";
import type { DocumentStore } from "../store/port.ts";
import { createRedisStore } from "../store/redis/redis-store.ts";
import { connectRedisRequester, RawRedis } from "../store/redis/tcp.ts";
import { freePort } from "./event-receiver.ts";
import { type Service, startService } from "./process.ts";

const redisUrl = inject("redisUrl");
const prefix = `ec-bun-reads-test-${process.pid}-`;

/**
 * The Bun edge with L1 off (the bench's "L1 off over Redis" row) reads each document from Redis per
 * request: every answer must be the store's newest write, at once and byte for byte, and a document
 * the store lacks must not be served from anywhere else.
 */
describe.runIf(redisUrl)("the Bun edge over Redis with L1 off", () => {
  let edge: Service;
  let store: DocumentStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const requester = await connectRedisRequester(redisUrl as string);
    close = requester.close;
    store = createRedisStore(new RawRedis(requester), { prefix });
    edge = await startService(
      "edge/entry/bun.ts",
      {
        // No origin answers here: whatever the edge serves came from the store.
        ORIGIN_URL: `http://127.0.0.1:${await freePort()}`,
        STORE: "redis",
        REDIS_URL: redisUrl as string,
        STORE_PREFIX: prefix,
        EDGE_L1_MB: "0",
        LOG_LEVEL: "warn",
      },
      await freePort(),
      60_000,
      "bun",
    );
  }, 90_000);
  afterAll(async () => {
    await edge?.stop();
    await close?.();
    execSync(
      `redis-cli -u ${redisUrl} --scan --pattern '${prefix}*' | xargs -r redis-cli -u ${redisUrl} del`,
    );
  });

  const put = (version: number, name: string) =>
    store.put(docKey.detail("s_bun_1"), {
      body: JSON.stringify({ id: "s_bun_1", name, version }),
      version,
      seq: version,
      builtAt: new Date().toISOString(),
    });

  it("serves each write as soon as it is acknowledged, byte for byte, and no document it lacks", async () => {
    for (const [version, name] of [
      [1, "첫 가게"],
      [2, "두번째 가게 🍗"],
      [3, "세번째"],
    ] as const) {
      expect((await put(version, name)).written).toBe(true);
      const res = await fetch(`${edge.url}/v1/shops/s_bun_1`);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-doc-version")).toBe(String(version));
      expect(await res.json()).toEqual({ id: "s_bun_1", name, version });
    }
    const missing = await fetch(`${edge.url}/v1/shops/s_bun_2`);
    expect(missing.status).toBe(503); // not in the store, and the origin is down
    await missing.arrayBuffer();
  });
});
