import type { Context } from "hono";
import type { EdgeConfig } from "../config.ts";
import { matchesIfNoneMatch } from "../l1.ts";
import type { Served } from "../reader.ts";

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Builds the HTTP answer for a served document. Per request it only does arithmetic and string
 * compares: the body and ETag were made when the entry was filled.
 */
export function respond(
  c: Context,
  served: Served,
  config: EdgeConfig,
  page?: { body: string; etag: string },
): Response {
  if ("unavailable" in served) {
    return new Response(JSON.stringify({ error: { code: "unavailable", message: served.unavailable } }), {
      status: 503,
      headers: {
        "content-type": JSON_TYPE,
        "retry-after": String(served.retryAfterS),
        "cache-control": "no-store",
        "x-cache": "MISS",
      },
    });
  }
  const { entry, xcache } = served;
  if (entry.status === 404) {
    return new Response(entry.body, {
      status: 404,
      headers: {
        "content-type": JSON_TYPE,
        "cache-control": `public, max-age=${Math.round(config.notFoundTtlMs / 1000)}`,
        "x-cache": xcache,
      },
    });
  }
  const etag = page?.etag ?? (entry.etag as string);
  const headers: Record<string, string> = {
    "cache-control": config.cacheControl,
    etag,
    age: String(Math.max(0, Math.floor((Date.now() - entry.builtAtMs) / 1000))),
    "x-cache": xcache,
    "x-doc-version": String(entry.version),
    "x-doc-seq": String(entry.seq),
  };
  const inm = c.req.header("if-none-match");
  if (inm && matchesIfNoneMatch(inm, etag)) return new Response(null, { status: 304, headers });
  headers["content-type"] = JSON_TYPE;
  return new Response(page?.body ?? entry.body, { status: 200, headers });
}
