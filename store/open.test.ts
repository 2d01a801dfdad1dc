import { describe, expect, inject, it } from "vitest";
import { ConfigError, EdgeEnv, parseEnv } from "../contract/index.ts";
import { openStore } from "./open.ts";

describe("openStore from the environment", () => {
  it("defaults to the bounded memory store", async () => {
    const store = await openStore(parseEnv(EdgeEnv, { LOCAL_DEV: "1" }));
    expect(store.kind).toBe("memory");
  });

  it("refuses STORE=upstash without its URL and token, naming them", async () => {
    await expect(openStore(parseEnv(EdgeEnv, { LOCAL_DEV: "1", STORE: "upstash" }))).rejects.toThrow(
      ConfigError,
    );
    await expect(openStore(parseEnv(EdgeEnv, { LOCAL_DEV: "1", STORE: "upstash" }))).rejects.toThrow(
      /UPSTASH_REDIS_REST_URL/,
    );
  });

  it.runIf(inject("redisUrl"))(
    "STORE=redis talks to the server at REDIS_URL under STORE_PREFIX",
    async () => {
      const prefix = `ec-open-${process.pid}`;
      const store = await openStore(
        parseEnv(EdgeEnv, {
          LOCAL_DEV: "1",
          STORE: "redis",
          REDIS_URL: inject("redisUrl") ?? undefined,
          STORE_PREFIX: prefix,
        }),
      );
      await store.put("main:mapo", { body: "{}", version: 0, seq: 3, builtAt: "2026-11-26T00:00:00.000Z" });
      expect((await store.get("main:mapo"))?.seq).toBe(3);
      // The commands it sent are counted (store_operations_total): what Upstash would bill.
      expect(store.usage?.().commands).toBeGreaterThanOrEqual(2);
      expect(await store.purgeAll()).toBe(1);
      await store.close();
    },
  );

  it("names a bad STORE_PREFIX", () => {
    expect(() => parseEnv(EdgeEnv, { LOCAL_DEV: "1", STORE_PREFIX: "has space" })).toThrow(/STORE_PREFIX/);
  });
});
