import type { MiddlewareHandler } from "hono";
import { AppError } from "./errors.ts";
import { KeyedBuckets } from "./token-bucket.ts";

/**
 * Per-client token bucket for the ingest and admin APIs: `ratePerSec` sustained, `burst` at once.
 * The client is the first address a proxy reports (Workers: CF-Connecting-IP), else the caller's
 * token: enough to keep one noisy origin or script from starving the others. In memory, per
 * process: a limit per instance, not a global one.
 */
export function rateLimit(o: { ratePerSec: number; burst: number; now?: () => number }): MiddlewareHandler {
  const buckets = new KeyedBuckets(o);
  const now = o.now ?? Date.now;
  return async (c, next) => {
    const client =
      c.req.header("cf-connecting-ip") ??
      c.req.header("x-forwarded-for")?.split(",")[0]?.trim() ??
      c.req.header("x-real-ip") ??
      `token:${(c.req.header("authorization") ?? "").slice(-12)}`;
    const t = now();
    const bucket = buckets.bucket(client, t);
    if (!bucket.take(t)) {
      c.header("retry-after", String(bucket.retryAfterS(t)));
      throw new AppError(
        "rate_limited",
        `too many requests from ${client.startsWith("token:") ? "this client" : client}; slow down`,
      );
    }
    await next();
  };
}
