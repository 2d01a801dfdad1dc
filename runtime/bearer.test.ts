import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { bearer, sameSecret } from "./bearer.ts";

describe("secret comparison", () => {
  it("is true only for the same string", () => {
    const token = "s3cret-Token_123";
    expect(sameSecret(token, token)).toBe(true);
    expect(sameSecret(`${token}`, token)).toBe(true);
    for (const given of [
      "",
      "s",
      "s3cret-Token_12",
      `${token}x`,
      "s3cret-Token_124",
      "S3cret-Token_123",
      "x".repeat(16),
    ])
      expect(sameSecret(given, token), given).toBe(false);
    // A string that repeats a shorter one must not match by the round-robin read.
    expect(sameSecret("ab", "abab")).toBe(false);
    expect(sameSecret("한글토큰", "한글토큰")).toBe(true);
    expect(sameSecret("한글토큼", "한글토큰")).toBe(false);
  });

  it("guards a route as bearer auth does: 401 without or with a wrong token", async () => {
    const app = new Hono().use("/x", bearer("t0ken-123")).get("/x", (c) => c.text("ok"));
    const call = (authorization?: string) =>
      app.request("/x", authorization ? { headers: { authorization } } : {});
    expect((await call()).status).toBe(401);
    expect((await call("Bearer t0ken-124")).status).toBe(401);
    expect((await call("Bearer t0ken-1234")).status).toBe(401);
    expect((await call("Basic t0ken-123")).status).toBe(400);
    const ok = await call("Bearer t0ken-123");
    expect([ok.status, await ok.text()]).toEqual([200, "ok"]);
  });
});
