import { describe, expect, it } from "vitest";
import { ConfigError, EdgeEnv, OriginEnv, parseEnv, SyncWorkerEnv } from "./env.ts";

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

  it("treats an empty variable as unset", () => {
    expect(parseEnv(OriginEnv, { DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });
});
