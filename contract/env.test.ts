import { describe, expect, it } from "vitest";
import { ConfigError, EdgeEnv, OriginEnv, parseEnv, SyncWorkerEnv } from "./env.ts";
import { boundHeapGrowth } from "./runtime/node.ts";

describe("service environments", () => {
  it("fills the documented defaults for a local start", () => {
    const env = parseEnv(OriginEnv, {});
    expect(env).toMatchObject({
      PORT: 8789,
      HOST: "127.0.0.1",
      SYNC_URL: "http://127.0.0.1:8788",
      DEMO_SHOPS: 2000,
    });
    expect(env.EVENTS_TOKEN).toBe("dev-events-token");
    expect(parseEnv(EdgeEnv, {}).PORT).toBe(8787);
    expect(parseEnv(SyncWorkerEnv, {}).PORT).toBe(8788);
  });

  it("names every wrong variable in one message", () => {
    expect(() => parseEnv(OriginEnv, { PORT: "eighty", DATABASE_URL: "mysql://x" })).toThrow(ConfigError);
    try {
      parseEnv(OriginEnv, { PORT: "eighty", DATABASE_URL: "mysql://x" });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DATABASE_URL/);
    }
  });

  it("refuses to start in production without real tokens", () => {
    expect(() => parseEnv(SyncWorkerEnv, { NODE_ENV: "production" })).toThrow(
      /EVENTS_TOKEN[\s\S]*ADMIN_TOKEN/,
    );
    expect(() => parseEnv(OriginEnv, { NODE_ENV: "production", EVENTS_TOKEN: "dev-events-token" })).toThrow(
      /EVENTS_TOKEN/,
    );
    expect(
      parseEnv(OriginEnv, { NODE_ENV: "production", EVENTS_TOKEN: "a-real-long-secret" }).EVENTS_TOKEN,
    ).toBe("a-real-long-secret");
  });

  it("keeps two bulk batches in flight, but one on KV, where more is refused", () => {
    expect(parseEnv(SyncWorkerEnv, {}).BULK_CONCURRENCY).toBe(2);
    expect(parseEnv(SyncWorkerEnv, { STORE: "redis", BULK_CONCURRENCY: "3" }).BULK_CONCURRENCY).toBe(3);
    expect(parseEnv(SyncWorkerEnv, { STORE: "kv" }).BULK_CONCURRENCY).toBe(1);
    expect(() => parseEnv(SyncWorkerEnv, { STORE: "kv", BULK_CONCURRENCY: "2" })).toThrow(
      /BULK_CONCURRENCY.*one writer/,
    );
  });

  it("bounds a Node store process's heap growth, and names a wrong HEAP_GROWTH_PERCENT", () => {
    expect(boundHeapGrowth({ HEAP_GROWTH_PERCENT: "0" })).toBe(0); // 0: V8's own growth, no flag set
    expect(() => boundHeapGrowth({ HEAP_GROWTH_PERCENT: "lots" })).toThrow(/HEAP_GROWTH_PERCENT/);
    expect(() => boundHeapGrowth({ HEAP_GROWTH_PERCENT: "-5" })).toThrow(ConfigError);
  });

  it("treats an empty variable as unset", () => {
    expect(parseEnv(OriginEnv, { DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });
});
