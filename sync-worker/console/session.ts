import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { sign, verify } from "hono/jwt";
import { bearer, guard } from "../../runtime/bearer.ts";

export const SESSION_COOKIE = "edge_cache_console";
/**
 * Sent by the console's script with every admin call. A cross-site form or image cannot add a
 * custom header (and /admin answers no CORS preflight), so the cookie alone never authorizes an
 * action: this is the console's CSRF guard, next to SameSite=Strict.
 */
export const CONSOLE_HEADER = "x-edge-cache-console";
const SESSION_SECONDS = 8 * 3600;

/*
 * Sessions are JWTs signed (HS256) with ADMIN_TOKEN itself: no session store to share between
 * sync-workers, nothing about the token in the cookie, and rotating the token ends every session.
 */

export async function openSession(c: Context, adminToken: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = await sign({ sub: "operator", iat: now, exp: now + SESSION_SECONDS }, adminToken, "HS256");
  const https =
    new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto")?.split(",")[0] === "https";
  setCookie(c, SESSION_COOKIE, jwt, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
    secure: https,
    maxAge: SESSION_SECONDS,
  });
}

export function closeSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

export async function hasSession(c: Context, adminToken: string): Promise<boolean> {
  const jwt = getCookie(c, SESSION_COOKIE);
  if (!jwt) return false;
  try {
    await verify(jwt, adminToken, "HS256");
    return true;
  } catch {
    return false;
  }
}

/** The admin API's guard: `Authorization: Bearer ADMIN_TOKEN` (CLI, scripts) or a console session. */
export function adminAuth(adminToken: string | null): MiddlewareHandler {
  if (adminToken === null) return guard(null, "ADMIN_TOKEN");
  const bearerToken = bearer(adminToken);
  return async (c, next) => {
    const fromConsole = !c.req.header("authorization") && c.req.header(CONSOLE_HEADER) === "1";
    if (fromConsole && (await hasSession(c, adminToken))) return next();
    return bearerToken(c, next);
  };
}
