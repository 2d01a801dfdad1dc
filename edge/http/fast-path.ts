import { CATEGORIES, type Category, docKey, ID_PATTERN, REGION_PATTERN } from "../../contract/index.ts";
import { plainRequestId } from "../../runtime/index.ts";
import type { EdgeConfig } from "../config.ts";
import type { Reader } from "../reader.ts";
import { type Cursor, decodeCursor, type Pager } from "./pages.ts";
import { type Asked, respond } from "./respond.ts";

const DETAIL = "/v1/shops/";
const CATEGORY = new Set<string>(CATEGORIES);
const LIMIT = /^[1-9]\d?$|^100$/;

// Accept-Encoding is read only where this edge compresses (not on Workers, not with EDGE_COMPRESS=off).
const asked = (headers: Headers, config: EdgeConfig): Asked => ({
  ifNoneMatch: headers.get("if-none-match") ?? undefined,
  acceptEncoding: config.compress ? headers.get("accept-encoding") : null,
});

/** `a=1&b=2` → entries, or null when a key repeats or one is not in `allowed`: the app decides those. */
function params(query: string, allowed: readonly string[]): Map<string, string> | null {
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(query)) {
    if (out.has(k) || !allowed.includes(k)) return null;
    out.set(k, v);
  }
  return out;
}

/**
 * Varnish-style fast path in front of the Hono app, for server runtimes: a GET of a shop detail, a
 * list page or a main that is fresh in L1 is answered here — no router, no context object, no zod,
 * no promise. It accepts only the plain forms of each request; everything else (misses,
 * read-your-writes, other routes, anything unusual or invalid) returns null and takes the full app,
 * which owns validation and its error bodies.
 */
export function fastRead(reader: Reader, config: EdgeConfig, pager: Pager) {
  const answer = hotAnswer(reader, config, pager);
  return (req: Request): Response | null => {
    // A caller's plain request id is echoed, as the app does; none is made up here (a UUID per hit
    // costs). An odd one takes the full app, which replaces it.
    const id = req.headers.get("x-request-id");
    if (id !== null && !plainRequestId(id)) return null;
    const res = answer(req);
    if (res && id) res.headers.set("x-request-id", id);
    return res;
  };
}

function hotAnswer(reader: Reader, config: EdgeConfig, pager: Pager) {
  return (req: Request): Response | null => {
    if (req.method !== "GET") return null;
    const url = req.url;
    const pathStart = url.indexOf("/", url.indexOf("//") + 2);
    if (pathStart < 0) return null;
    const q = url.indexOf("?", pathStart);
    const path = q < 0 ? url.slice(pathStart) : url.slice(pathStart, q);
    const headers = req.headers;
    if (path.startsWith(DETAIL)) {
      const id = path.slice(DETAIL.length);
      if (q >= 0 || !ID_PATTERN.test(id) || headers.get("x-min-version") !== null) return null;
      const hit = reader.hit({ kind: "detail", shopId: id }, docKey.detail(id));
      return hit ? respond(asked(headers, config), hit, config) : null;
    }
    if (path === "/v1/main" && q >= 0) {
      const p = params(url.slice(q + 1), ["region"]);
      const region = p?.get("region");
      if (!region || !REGION_PATTERN.test(region)) return null;
      const hit = reader.hit({ kind: "main", region }, docKey.main(region));
      return hit ? respond(asked(headers, config), hit, config) : null;
    }
    if (path === "/v1/shops" && q >= 0) {
      const p = params(url.slice(q + 1), ["region", "category", "limit", "cursor"]);
      const region = p?.get("region");
      const category = p?.get("category");
      const limit = p?.get("limit") ?? "20";
      if (!p || !region || !REGION_PATTERN.test(region) || !category || !CATEGORY.has(category)) return null;
      if (!LIMIT.test(limit)) return null;
      let cursor: Cursor;
      try {
        cursor = decodeCursor(p.get("cursor"));
      } catch {
        return null;
      }
      const key = { kind: "list" as const, region, category: category as Category };
      const listKey = docKey.list(region, key.category);
      const hit = reader.hit(key, listKey);
      if (!hit) return null;
      if ("unavailable" in hit || hit.entry.status !== 200)
        return respond(asked(headers, config), hit, config);
      const { entry, page } = pager.page(listKey, hit.entry, cursor, Number(limit));
      return respond(asked(headers, config), { ...hit, entry }, config, page);
    }
    return null;
  };
}
