import type { EdgeConfig } from "../config.ts";
import { matchesIfNoneMatch, type Page } from "../l1.ts";
import type { Served } from "../reader.ts";
import { type HotHeaders, negotiate, variantOf } from "./encoding.ts";

/**
 * Bun and Deno clone a Response far more cheaply than they build one from bytes and Headers
 * (measured: Bun 0.26 vs 0.63 µs, Deno 0.25 vs 5.7 µs), so there a hit clones a template answer.
 * Node's server (@hono/node-server) answers its own lightweight Response, which a clone would turn
 * into a full one (26 vs 30 µs with undici's): there, and on Workers, a hit builds one.
 */
const CLONE_TEMPLATES = "Bun" in globalThis || "Deno" in globalThis;

/** What the request asked of the representation: its validators and the codings it accepts. */
export type Asked = { ifNoneMatch?: string | undefined; acceptEncoding?: string | null | undefined };

const JSON_TYPE = "application/json; charset=utf-8";
// CORS for the public read API, as static headers: a per-request middleware costs on every hit.
export const CORS_ORIGIN = "*";
// Browsers may read these cross-origin once a preflight has listed them (simple GETs need no preflight).
export const CORS_EXPOSE = "ETag, Age, X-Cache, X-Doc-Version";

/**
 * Builds the HTTP answer for a served document. Per request it only does arithmetic and string
 * compares: the body bytes and the ETag were made when the entry was filled, and a compressed
 * variant on the first request that accepted it (encoding.ts).
 */
export function respond(asked: Asked, served: Served, config: EdgeConfig, page?: Page): Response {
  if ("unavailable" in served) {
    return new Response(JSON.stringify({ error: { code: "unavailable", message: served.unavailable } }), {
      status: 503,
      headers: {
        "content-type": JSON_TYPE,
        "retry-after": String(served.retryAfterS),
        "cache-control": "no-store",
        "x-cache": "MISS",
        "access-control-allow-origin": CORS_ORIGIN,
      },
    });
  }
  const { entry, xcache } = served;
  if (entry.status === 404) {
    return new Response(entry.bytes, {
      status: 404,
      headers: {
        "content-type": JSON_TYPE,
        "cache-control": `public, max-age=${Math.round(config.notFoundTtlMs / 1000)}`,
        "x-cache": xcache,
        "access-control-allow-origin": CORS_ORIGIN,
      },
    });
  }
  const age = Math.max(0, Math.floor((Date.now() - entry.builtAtMs) / 1000));
  const holder = page ?? entry;
  const etagOfHolder = page?.etag ?? (entry.etag as string);
  const coding = config.compress ? negotiate(asked.acceptEncoding) : null;
  const variant = coding && config.compress ? variantOf(holder, etagOfHolder, coding, config.compress) : null;
  // The representation served: the identity bytes, or the variant with its own ETag and hot headers.
  const rep: { bytes: Uint8Array<ArrayBuffer>; hot?: HotHeaders } = variant ?? holder;
  if (!asked.ifNoneMatch) {
    // The hot path: a Headers object made once per representation and second, not eight headers per
    // request (the Response copies it, so sharing is safe). It is most of the gap to a bare server.
    const hot = rep.hot;
    if (hot?.age === age && hot.xcache === xcache)
      return hot.template ? hot.template.clone() : new Response(rep.bytes, { headers: hot.headers });
  }
  const etag = variant?.etag ?? etagOfHolder;
  const headers: Record<string, string> = {
    "cache-control": config.cacheControl,
    etag,
    age: String(age),
    "x-cache": xcache,
    "x-doc-version": String(entry.version),
    "access-control-allow-origin": CORS_ORIGIN,
  };
  // Shared caches must key on the coding whenever this edge may answer in more than one.
  if (config.compress) headers.vary = "Accept-Encoding";
  if (asked.ifNoneMatch && matchesIfNoneMatch(asked.ifNoneMatch, etag))
    return new Response(null, { status: 304, headers });
  headers["content-type"] = JSON_TYPE;
  if (variant && coding) headers["content-encoding"] = coding;
  const hot = new Headers(headers);
  if (!CLONE_TEMPLATES) {
    rep.hot = { age, xcache, headers: hot };
    return new Response(rep.bytes, { headers: hot });
  }
  const template = new Response(rep.bytes, { headers: hot });
  rep.hot = { age, xcache, headers: hot, template };
  return template.clone();
}
