import { describe, expect, it } from "vitest";
import {
  ConfigError,
  EdgeEnv,
  EdgeWorkersEnv,
  OriginEnv,
  parseEnv,
  SyncWorkerEnv,
  SyncWorkerWorkersEnv,
} from "./env.ts";

describe("service environments", () => {
  const LOCAL = { LOCAL_DEV: "1" };
  const secret = (name: string) => `${name.toLowerCase()}-0123456789abcdefghijklmnop`;
  const REAL = {
    EVENTS_TOKEN: secret("EVENTS"),
    ADMIN_TOKEN: secret("ADMIN"),
    STATE_TOKEN: secret("STATE"),
  };
  /** The message parseEnv throws for `vars`, or "" when it parses. */
  const refusal = (schema: Parameters<typeof parseEnv>[0], vars: Record<string, string>) => {
    try {
      parseEnv(schema, vars);
      return "";
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
  };

  it("fills the documented defaults for a local start, the development tokens only with LOCAL_DEV", () => {
    const env = parseEnv(OriginEnv, LOCAL);
    expect(env).toMatchObject({
      PORT: 8789,
      HOST: "127.0.0.1",
      SYNC_URL: "http://127.0.0.1:8788",
      DEMO_SHOPS: 2000,
      EVENTS_TOKEN: "dev-events-token",
      STATE_TOKEN: "dev-state-token",
    });
    expect(parseEnv(EdgeEnv, LOCAL)).toMatchObject({ PORT: 8787, STATE_TOKEN: "dev-state-token" });
    expect(parseEnv(SyncWorkerEnv, LOCAL)).toMatchObject({ PORT: 8788, ADMIN_TOKEN: "dev-admin-token" });
  });

  it("names every wrong variable in one message", () => {
    const message = refusal(OriginEnv, { ...LOCAL, PORT: "eighty", DATABASE_URL: "mysql://x" });
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/DATABASE_URL/);
  });

  it("without LOCAL_DEV each service refuses to start naming every token it needs", () => {
    expect(refusal(OriginEnv, {})).toMatch(/EVENTS_TOKEN: is required[\s\S]*STATE_TOKEN: is required/);
    const sync = refusal(SyncWorkerEnv, {});
    for (const name of ["EVENTS_TOKEN", "ADMIN_TOKEN", "STATE_TOKEN"])
      expect(sync).toMatch(`${name}: is required`);
    expect(refusal(EdgeEnv, {})).toMatch(/STATE_TOKEN: is required/);
    // NODE_ENV changes nothing: a server started without it is as closed.
    expect(refusal(EdgeEnv, { NODE_ENV: "development" })).toMatch(/STATE_TOKEN/);
  });

  it("each token rule refuses with the variable's name", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { ADMIN_TOKEN: "dev-admin-token" },
        /ADMIN_TOKEN: the development default is accepted only with LOCAL_DEV=1/,
      ],
      [{ ADMIN_TOKEN: "short-but-over-8" }, /ADMIN_TOKEN: must be at least 32 characters \(it is 16\)/],
      [{ EVENTS_TOKEN: `${"x".repeat(40)} y` }, /EVENTS_TOKEN: only letters, digits/],
      [{ ADMIN_TOKEN: REAL.EVENTS_TOKEN }, /ADMIN_TOKEN: must differ from EVENTS_TOKEN/],
      [{ STATE_TOKEN: REAL.ADMIN_TOKEN }, /STATE_TOKEN: must differ from ADMIN_TOKEN/],
      [{ METRICS_TOKEN: "m".repeat(20) }, /METRICS_TOKEN: must be at least 32/],
      [{ LOCAL_DEV: "1", NODE_ENV: "production" }, /LOCAL_DEV: cannot be set with NODE_ENV=production/],
      [{ TRUST_PROXY: "10.0.0.0/8, proxy.internal" }, /TRUST_PROXY: not an address or CIDR: proxy.internal/],
      [{ QUEUE_MAX_DEPTH: "0" }, /QUEUE_MAX_DEPTH/],
    ];
    for (const [vars, message] of cases)
      expect(refusal(SyncWorkerEnv, { ...REAL, ...vars })).toMatch(message);
    // In local mode short tokens are fine (tests, demos), as long as they fit a header and differ.
    expect(parseEnv(SyncWorkerEnv, { ...LOCAL, ADMIN_TOKEN: "local-admin" }).ADMIN_TOKEN).toBe("local-admin");
    expect(refusal(SyncWorkerEnv, { ...LOCAL, ADMIN_TOKEN: "short" })).toMatch(
      /ADMIN_TOKEN: must be at least 8/,
    );
  });

  it("takes real tokens; METRICS_TOKEN is optional and closes /metrics when unset", () => {
    const env = parseEnv(SyncWorkerEnv, REAL);
    expect(env).toMatchObject({ ...REAL, METRICS_TOKEN: null, tokenProblems: [] });
    expect(parseEnv(SyncWorkerEnv, { ...REAL, METRICS_TOKEN: secret("METRICS") }).METRICS_TOKEN).toBe(
      secret("METRICS"),
    );
  });

  it("on Workers a token problem does not stop the start: the token is null and the problem is named", () => {
    const env = parseEnv(SyncWorkerWorkersEnv, {
      EVENTS_TOKEN: "dev-events-token",
      STATE_TOKEN: REAL.STATE_TOKEN,
    });
    expect(env).toMatchObject({ EVENTS_TOKEN: null, ADMIN_TOKEN: null, STATE_TOKEN: REAL.STATE_TOKEN });
    expect(env.tokenProblems).toEqual([
      "EVENTS_TOKEN the development default is accepted only with LOCAL_DEV=1",
      expect.stringMatching(/^ADMIN_TOKEN is required/),
    ]);
    expect(parseEnv(EdgeWorkersEnv, {}).STATE_TOKEN).toBeNull();
  });

  it("keeps two bulk batches in flight, but one on KV, where more is refused", () => {
    expect(parseEnv(SyncWorkerEnv, LOCAL).BULK_CONCURRENCY).toBe(2);
    expect(
      parseEnv(SyncWorkerEnv, { ...LOCAL, STORE: "redis", BULK_CONCURRENCY: "3" }).BULK_CONCURRENCY,
    ).toBe(3);
    expect(parseEnv(SyncWorkerEnv, { ...LOCAL, STORE: "kv" }).BULK_CONCURRENCY).toBe(1);
    expect(() => parseEnv(SyncWorkerEnv, { ...LOCAL, STORE: "kv", BULK_CONCURRENCY: "2" })).toThrow(
      /BULK_CONCURRENCY.*one writer/,
    );
  });

  it("treats an empty variable as unset", () => {
    expect(parseEnv(OriginEnv, { ...LOCAL, DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });
});
