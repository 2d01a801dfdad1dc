import type { Context, Hono } from "hono";
import { cors } from "hono/cors";
import { z } from "zod";
import {
  AppError,
  Category,
  docKey,
  edgeOpenApi,
  ID_PATTERN,
  Id,
  parseOr400,
  Region,
  SearchQuery,
  type TrustProxy,
} from "../../contract/index.ts";
import {
  type AssetLoader,
  clientAddress,
  healthz,
  type Logger,
  mountDocs,
  type Registry,
  serviceApp,
} from "../../runtime/index.ts";
import type { EdgeConfig } from "../config.ts";
import type { Reader } from "../reader.ts";
import type { Search } from "../search/search.ts";
import { decodeCursor, type Pager } from "./pages.ts";
import { type Asked, CORS_EXPOSE, CORS_ORIGIN, respond } from "./respond.ts";

export type EdgeDeps = {
  reader: Reader;
  config: EdgeConfig;
  logger: Logger;
  health: () => Record<string, unknown>;
  metricsToken: string | null;
  registry: Registry;
  pager: Pager;
  search: Search;
  docs?: AssetLoader;
};

const MainQuery = z.object({ region: Region }).strict();
const ListQuery = z
  .object({
    region: Region,
    category: Category,
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(256).optional(), // version, offset and the last member: ~180 characters
  })
  .strict();

/** `X-Min-Version: N` (read-your-writes): a whole number, or a 400 that says so. */
function minVersionOf(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  if (!/^\d{1,15}$/.test(header.trim())) {
    throw new AppError("validation_failed", "Invalid header: X-Min-Version must be a whole number", {
      details: [{ field: "X-Min-Version", message: "must be a whole number" }],
    });
  }
  return Number(header);
}

/**
 * The Workers entry passes `{ waitUntil }` as Hono's env; elsewhere background work just runs.
 * (Reading `c.executionCtx` would throw on every request outside Workers: exceptions are not cheap.)
 */
type Ctx = { env?: { waitUntil?: (p: Promise<unknown>) => void; peer?: () => string | undefined } };
/**
 * What a read needs of its context: where background work goes, and who the client is (asked only
 * on a miss; runtime/client-address.ts).
 */
const readCtx = (c: Context, trust: TrustProxy) => {
  const env = (c as Ctx).env;
  const peer = env?.peer;
  return {
    ...(env?.waitUntil ? { waitUntil: env.waitUntil } : {}),
    ...(peer ? { client: () => clientAddress(peer(), (n) => c.req.header(n), trust) } : {}),
  };
};

const asked = (c: Context): Asked => ({
  ifNoneMatch: c.req.header("if-none-match"),
  acceptEncoding: c.req.header("accept-encoding"),
});

/** The edge read API (docs/api.md), runtime-free. */
export function createEdgeApp(deps: EdgeDeps): Hono {
  const app = serviceApp({
    logger: deps.logger,
    registry: deps.registry,
    requestsHelp: "HTTP requests by route and status (fast-path hits are in cache_results_total)",
    metricsToken: deps.metricsToken,
  });
  const ctxOf = (c: Context) => readCtx(c, deps.config.trustProxy);
  // The public read API may be called from any web page: preflights here; the simple-request
  // headers are static in respond(). Nothing else on the edge is meant for browsers.
  app.options(
    "/v1/*",
    cors({ origin: CORS_ORIGIN, allowMethods: ["GET", "HEAD"], exposeHeaders: CORS_EXPOSE.split(", ") }),
  );
  mountDocs(app, "edge-cache edge", edgeOpenApi, deps.docs);
  healthz(app, { metricsToken: deps.metricsToken, facts: deps.health });

  app.get("/v1/main", async (c) => {
    const { region } = parseOr400(MainQuery, c.req.query(), "query");
    return respond(asked(c), await deps.reader.read({ kind: "main", region }, ctxOf(c)), deps.config);
  });

  app.get("/v1/shops", async (c) => {
    const q = parseOr400(ListQuery, c.req.query(), "query");
    const cursor = decodeCursor(q.cursor);
    const served = await deps.reader.read({ kind: "list", region: q.region, category: q.category }, ctxOf(c));
    if ("unavailable" in served || served.entry.status !== 200) return respond(asked(c), served, deps.config);
    const key = docKey.list(q.region, q.category);
    const { entry, page } = deps.pager.page(key, served.entry, cursor, q.limit);
    return respond(asked(c), { ...served, entry }, deps.config, page);
  });

  app.get("/v1/search", async (c) => {
    const q = parseOr400(SearchQuery, c.req.query(), "query");
    return respond(asked(c), await deps.search.page(q), deps.config);
  });

  app.get("/v1/shops/:id", async (c) => {
    const raw = c.req.param("id");
    const shopId = ID_PATTERN.test(raw) ? raw : parseOr400(Id, raw, "path parameter id"); // zod only for errors
    const minVersion = minVersionOf(c.req.header("x-min-version"));
    const key = { kind: "detail" as const, shopId };
    const served =
      (minVersion === undefined ? deps.reader.hit(key, docKey.detail(shopId)) : null) ??
      (await deps.reader.read(key, { ...(minVersion !== undefined ? { minVersion } : {}), ...ctxOf(c) }));
    return respond(asked(c), served, deps.config);
  });

  // A write to a read route is a wrong method, not a missing route (RFC 9110 §15.5.6).
  app.on(["POST", "PUT", "PATCH", "DELETE"], ["/v1/main", "/v1/shops", "/v1/shops/:id", "/v1/search"], (c) =>
    c.json(
      new AppError("method_not_allowed", `${c.req.method} is not allowed: the edge read API is read-only`, {
        details: { allow: READ_METHODS },
      }).toBody(),
      405,
      { Allow: READ_METHODS.join(", ") },
    ),
  );
  return app;
}
const READ_METHODS = ["GET", "HEAD", "OPTIONS"];
