import type { EdgeConfig } from "../config.ts";
import type { Reader } from "../reader.ts";
import { respond } from "./respond.ts";

const PREFIX = "/v1/shops/";
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Varnish-style fast path in front of the Hono app, for server runtimes: a GET of a shop detail
 * that is fresh in L1 is answered here — no router, no context object, no promise. Everything else
 * (misses, read-your-writes, other routes, bad input) returns null and takes the full app.
 */
export function fastDetail(reader: Reader, config: EdgeConfig) {
  return (req: Request): Response | null => {
    if (req.method !== "GET") return null;
    const url = req.url;
    const pathStart = url.indexOf("/", url.indexOf("//") + 2);
    if (pathStart < 0 || !url.startsWith(PREFIX, pathStart) || url.includes("?", pathStart)) return null;
    const id = url.slice(pathStart + PREFIX.length);
    if (!ID.test(id)) return null;
    const headers = req.headers;
    if (headers.get("x-min-version") !== null) return null;
    const hit = reader.hit({ kind: "detail", shopId: id }, `detail:${id}`);
    return hit ? respond(headers.get("if-none-match") ?? undefined, hit, config) : null;
  };
}
