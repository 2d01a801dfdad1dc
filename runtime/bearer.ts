import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { AppError } from "../contract/errors.ts";

/**
 * Whether a presented secret equals the configured one, in time that depends only on the configured
 * secret's length: every character is compared whatever the first difference, and a wrong length
 * only flips the answer. Synchronous and plain JavaScript, so it runs the same on Workers, Node, Bun
 * and Deno. Hono's own comparison hashes both strings with WebCrypto's async SHA-256 first: on Node
 * that is a thread-pool round trip per request, and at 500 changes/s the relay's POST /events spent
 * more CPU in it than in the handler itself (bench/results/ingest-auth-profile.txt).
 */
export function sameSecret(given: string, expected: string): boolean {
  let diff = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) {
    // A shorter `given` is read round-robin (an empty one as 0): the loop never ends early.
    const g = given.length === 0 ? 0 : given.charCodeAt(i % given.length);
    diff |= g ^ expected.charCodeAt(i);
  }
  return diff === 0;
}

/** `Authorization: Bearer <token>`, answered as hono's bearerAuth does (401 with its header). */
export const bearer = (token: string): MiddlewareHandler =>
  bearerAuth({ verifyToken: (given) => sameSecret(given, token) });

/**
 * A route guarded by the token `name`: bearer as above, or 503 `not_configured` while the token is
 * unset — how a Worker, which cannot refuse to start, keeps a missing secret closed.
 */
export function guard(token: string | null, name: string): MiddlewareHandler {
  if (token === null)
    return async () => {
      throw new AppError("not_configured", `${name} is not set on this deployment: the route is closed`, {
        details: [{ field: name, message: "set it as a secret (docs/security.md)" }],
      });
    };
  return bearer(token);
}

/** Whether the request carries `Bearer <token>` (for answers that only add detail with it). */
export function presents(c: Context, token: string | null | undefined): boolean {
  const given = /^Bearer (.+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  return !!token && given !== undefined && sameSecret(given, token);
}
