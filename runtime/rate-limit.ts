import type { MiddlewareHandler } from "hono";
import { AppError } from "../contract/errors.ts";
import type { TrustProxy } from "../contract/trust-proxy.ts";
import { clientOf } from "./client-address.ts";
import { KeyedBuckets, TokenBucket } from "./token-bucket.ts";

type Rate = { ratePerSec: number; burst: number };

/**
 * Per-client token bucket: `ratePerSec` sustained, `burst` at once. The client is who
 * runtime/client-address.ts says it is — the socket's address unless a TRUST_PROXY proxy vouches
 * for another — so a header the caller writes cannot buy it a fresh bucket. `overall` adds one
 * bucket every client shares: the bound on what many addresses together may do (login guesses).
 * In memory, per process: a limit per instance, not a global one. The refusal never repeats what
 * the client sent.
 */
export function rateLimit(
  o: Rate & { trust?: TrustProxy; overall?: Rate; now?: () => number },
): MiddlewareHandler {
  const buckets = new KeyedBuckets(o);
  const now = o.now ?? Date.now;
  const trust = o.trust ?? (() => false);
  let overall: TokenBucket | null = null;
  return async (c, next) => {
    const t = now();
    const bucket = buckets.bucket(clientOf(c, trust), t);
    if (o.overall) overall ??= new TokenBucket(o.overall, t);
    const full = !bucket.has(t) ? bucket : overall && !overall.has(t) ? overall : null;
    if (full) {
      c.header("retry-after", String(full.retryAfterS(t)));
      throw new AppError(
        "rate_limited",
        full === bucket ? "too many requests from this client; slow down" : "too many requests; slow down",
      );
    }
    bucket.take(t);
    overall?.take(t);
    await next();
  };
}
