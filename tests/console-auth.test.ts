import { sign } from "hono/jwt";
import { afterAll, describe, expect, it } from "vitest";
import { httpOriginClient } from "../clients/index.ts";
import { ErrorBody } from "../contract/index.ts";
import { createLogger } from "../runtime/index.ts";
import { createMemoryStore } from "../store/memory/memory-store.ts";
import { CONSOLE_HEADER, SESSION_COOKIE } from "../sync-worker/console/session.ts";
import { createMemoryQueue } from "../sync-worker/queue/memory.ts";
import { createSyncWorker } from "../sync-worker/service.ts";

const TOKEN = "console-auth-admin-token";
const BASE = "http://sync.test";

/** The console's guards, in process: what a stolen page, a forged cookie or a cross-site form gets. */
describe("operator console: sessions, CSRF and headers", () => {
  const worker = createSyncWorker({
    store: createMemoryStore(),
    queue: createMemoryQueue(),
    origin: httpOriginClient("http://127.0.0.1:9", { token: null }), // never called: nothing here needs the origin
    logger: createLogger("test", "silent"),
    tokens: { events: "console-auth-events-token", admin: TOKEN },
  });
  afterAll(() => worker.stop());
  const request = (path: string, init: RequestInit = {}) => worker.app.request(`${BASE}${path}`, init);
  const login = (token: string, origin = BASE) =>
    request("/console/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin },
      body: new URLSearchParams({ token }).toString(),
    });
  const sessionCookie = async () =>
    ((await login(TOKEN)).headers.get("set-cookie") ?? "").split(";")[0] as string;

  it("signs in with the token into an HttpOnly, SameSite=Strict session; a wrong or empty token gets none", async () => {
    const ok = await login(TOKEN);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/console");
    expect(ok.headers.get("set-cookie")).toMatch(/HttpOnly/);
    expect(ok.headers.get("set-cookie")).toMatch(/SameSite=Strict/);
    expect(ok.headers.get("set-cookie")).not.toContain(TOKEN);
    const wrong = await login("guess");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(await wrong.text()).not.toContain("guess");
    expect((await login("")).status).toBe(400);
  });

  it("refuses a login or logout form posted from another site", async () => {
    const refused = await login(TOKEN, "http://evil.example");
    expect(refused.status).toBe(403);
    expect(ErrorBody.parse(await refused.json()).error.code).toBe("forbidden");
    // Signing someone out from another page is refused too (a nuisance, not a breach, but a form).
    const logout = await request("/console/logout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.example" },
      body: "",
    });
    expect(logout.status).toBe(403);
  });

  it("an action needs the console header next to the cookie, so a cross-site request cannot act", async () => {
    const cookie = await sessionCookie();
    const without = await request("/admin/status", { headers: { cookie } });
    expect(without.status).toBe(401);
    expect(ErrorBody.parse(await without.json()).error.code).toBe("unauthorized");
    const withHeader = await request("/admin/status", { headers: { cookie, [CONSOLE_HEADER]: "1" } });
    expect(withHeader.status).toBe(200);
    expect(await withHeader.json()).toHaveProperty("breaker.state");
  });

  it("a cookie signed with another token, or expired, is no session", async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const jwt of [
      await sign({ sub: "operator", exp: now + 3600 }, "another-token", "HS256"),
      await sign({ sub: "operator", exp: now - 10 }, TOKEN, "HS256"),
    ]) {
      const cookie = `${SESSION_COOKIE}=${jwt}`;
      expect(await (await request("/console", { headers: { cookie } })).text()).toContain("Admin token");
      expect((await request("/console/events", { headers: { cookie } })).status).toBe(401);
      expect((await request("/admin/status", { headers: { cookie, [CONSOLE_HEADER]: "1" } })).status).toBe(
        401,
      );
    }
  });

  it("serves pages with a strict Content-Security-Policy and no caching; signing out ends the cookie", async () => {
    const page = await request("/console", { headers: { cookie: await sessionCookie() } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("cache-control")).toBe("no-store");
    const out = await request("/console/logout", { method: "POST", headers: { origin: BASE } });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
  });
});
