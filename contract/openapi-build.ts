import { z } from "zod";
import { ErrorBody } from "./errors.ts";
import { PACKAGE_VERSION } from "./version.ts";

/**
 * Builds OpenAPI 3.1 documents from the zod contract (OpenAPI 3.1 schemas are JSON Schema 2020-12,
 * which `z.toJSONSchema` emits). Statuses and headers every operation of a kind can answer are added
 * here once, from how the shared HTTP frame behaves (runtime/http.ts): a generated client or a
 * contract tester then meets no response the document does not declare (tests/openapi-conformance).
 */
export type Param = {
  name: string;
  in: "query" | "path" | "header";
  required?: boolean;
  schema: z.ZodType;
  description?: string;
};
export type Op = {
  summary: string;
  params?: Param[];
  body?: z.ZodType;
  /** Status, body schema (null: any JSON), description. */
  ok: [number, z.ZodType | null, string];
  /** Error statuses beyond those added for every operation of its kind. */
  errors?: number[];
  /** The bearer token guarding the route (docs/security.md); an unset one answers 503 not_configured. */
  auth?: "events" | "admin" | "state" | "metrics";
  /** Behind a token-bucket limit: 429 with Retry-After. */
  rateLimited?: boolean;
  /** An edge document: caching headers, 304 on If-None-Match, 503 with Retry-After. */
  document?: boolean;
  /** What the success answers with, when not JSON. */
  media?: "text/plain" | "text/html" | "*/*";
  /** Headers of the success answer beyond the request id. */
  okHeaders?: Record<string, ReturnType<typeof header>>;
};

// Without zod's `$schema`: an embedded schema then uses the document's dialect (OAS 3.1's base, a
// superset of 2020-12), which the strict OpenAPI 3.1 meta-schema ("schema-base") requires.
const json = (schema: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  });
  return rest;
};
const content = (schema: z.ZodType | null) => ({
  "application/json": { schema: schema ? json(schema) : {} },
});
const str = { schema: { type: "string" } };
export const header = (description: string, required = false) => ({ description, required, ...str });

// On every answer: the shared frame echoes or makes one (the edge's fast path echoes only).
const REQUEST_ID = { "X-Request-Id": header("The caller's request id, echoed; made up where none was sent") };
const CORS = { "Access-Control-Allow-Origin": header("`*`: the read API is public", true) };
const DOC_HEADERS = {
  ...CORS,
  ETag: header("Strong validator of the document (or page) version", true),
  "Cache-Control": header("max-age from the L1 TTL, stale-while-revalidate, stale-if-error", true),
  Age: header("Seconds since the document was built", true),
  "X-Cache": header(
    "HIT, MISS, STALE (origin down, document too old, or the origin fallback's rate limit reached), REVALIDATED, or BEHIND (the newest copy there is, older than the X-Min-Version asked: the origin has no newer one yet, or was asked less than EDGE_MIN_VERSION_INTERVAL_MS ago)",
    true,
  ),
  "X-Doc-Version": header("The document's version", true),
  Vary: header("`Accept-Encoding` where the edge compresses (server runtimes)"),
  "Content-Encoding": header("`br` or `gzip` when the client accepts it and the body is 1 KB or more"),
};
const RETRY_AFTER = { "Retry-After": header("Seconds to wait before trying again", true) };
// An edge answer without a document: how long it may be cached, and why there was none.
const NO_DOC = {
  ...CORS,
  "Cache-Control": header("404: a short max-age; 503: no-store", true),
  "X-Cache": header("How the answer was reached", true),
};
const ERROR_TEXT: Record<number, string> = {
  400: "invalid input: the error names the field",
  401: "missing or wrong bearer token",
  404: "no such resource",
  409: "conflict with the current state",
  413: "body too large",
  415: "body is not application/json",
  429: "rate limited: wait Retry-After seconds",
  500: "unexpected failure: the body says nothing about internals",
  503: "unavailable: nothing stored to serve, and the origin cannot answer or the origin fallback's rate limit is reached (Retry-After says when to try again)",
};

const NOT_CONFIGURED =
  "not_configured: the token guarding this route is not set on this deployment (ingest: also the queue is full, with Retry-After)";

function responses(op: Op) {
  const out: Record<string, unknown> = {};
  const [status, schema, description] = op.ok;
  out[status] = {
    description,
    headers: { ...REQUEST_ID, ...(op.document ? DOC_HEADERS : {}), ...op.okHeaders },
    content: op.media ? { [op.media]: { schema: { type: "string" } } } : content(schema),
  };
  if (op.document)
    out[304] = {
      description: "not modified: If-None-Match matched",
      headers: { ...REQUEST_ID, ...DOC_HEADERS },
    };
  const errors = new Set([...(op.errors ?? []), 500]);
  if (op.body) for (const s of [400, 413, 415]) errors.add(s);
  if (op.params?.some((p) => p.in !== "path")) errors.add(400); // a query or header can be invalid
  if (op.auth) for (const s of [401, 503]) errors.add(s);
  if (op.rateLimited) errors.add(429);
  if (op.document) for (const s of [400, 503]) errors.add(s);
  for (const code of [...errors].sort()) {
    const extra =
      code === 503 && op.document
        ? { ...RETRY_AFTER, ...NO_DOC }
        : code === 429
          ? RETRY_AFTER
          : code === 404 && op.document
            ? NO_DOC
            : {};
    out[code] = {
      description: code === 503 && !op.document ? NOT_CONFIGURED : (ERROR_TEXT[code] ?? "error"),
      headers: { ...REQUEST_ID, ...extra },
      content: content(ErrorBody),
    };
  }
  return out;
}

function operation(operationId: string, op: Op) {
  return {
    operationId,
    summary: op.summary,
    // A public route says so (`[]`) rather than leaving its security undeclared.
    security: op.auth ? [{ [`${op.auth}Token`]: [] }] : [],
    parameters: (op.params ?? []).map((p) => ({
      name: p.name,
      in: p.in,
      required: p.in === "path" || !!p.required,
      schema: json(p.schema),
      ...(p.description ? { description: p.description } : {}),
    })),
    ...(op.body ? { requestBody: { required: true, content: content(op.body) } } : {}),
    responses: responses(op),
  };
}

/** `get /v1/shops/{id}` → `getV1ShopsById`: stable names for generated clients. */
const operationId = (method: string, path: string) =>
  method +
  path
    .split("/")
    .filter(Boolean)
    .map((part) => (part.startsWith("{") ? `By${cap(part.slice(1, -1))}` : cap(part)))
    .join("")
    .replace(/[^A-Za-z0-9]/g, "");
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** What every service answers besides its own API (runtime/http.ts, runtime/docs.ts). */
const COMMON: Record<string, Record<string, Op>> = {
  "/healthz": {
    get: {
      summary: "Readiness: {status} for anyone, the service's details with Bearer METRICS_TOKEN",
      ok: [200, null, "ready"],
    },
  },
  "/metrics": {
    get: {
      summary: "Prometheus text exposition",
      auth: "metrics",
      ok: [200, null, "metrics"],
      media: "text/plain",
    },
  },
  "/openapi.json": { get: { summary: "This document", ok: [200, null, "OpenAPI 3.1 document"] } },
  "/docs": {
    get: { summary: "API reference page (Swagger UI)", ok: [200, null, "page"], media: "text/html" },
  },
  "/docs/{file}": {
    get: {
      summary: "The reference page's own scripts and styles",
      params: [{ name: "file", in: "path", schema: z.string() }],
      ok: [200, null, "asset"],
      errors: [404],
      media: "*/*",
      okHeaders: { "Cache-Control": header("A day: the files change only with a release", true) },
    },
  },
};

const SCHEMES = {
  adminToken: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" },
  eventsToken: { type: "http", scheme: "bearer", description: "EVENTS_TOKEN" },
  stateToken: { type: "http", scheme: "bearer", description: "STATE_TOKEN" },
  metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN" },
} as const;

export function document(title: string, description: string, paths: Record<string, Record<string, Op>>) {
  const all = Object.entries({ ...paths, ...COMMON });
  const used = new Set(
    all.flatMap(([, ops]) => Object.values(ops).map((op) => op.auth && `${op.auth}Token`)),
  );
  return {
    openapi: "3.1.0",
    info: { title, version: PACKAGE_VERSION, description, license: { name: "MIT", identifier: "MIT" } },
    // The document is served by the service it describes: its own origin is the one server.
    servers: [{ url: "/", description: "the service serving this document" }],
    paths: Object.fromEntries(
      all.map(([path, ops]) => [
        path,
        Object.fromEntries(Object.entries(ops).map(([m, op]) => [m, operation(operationId(m, path), op)])),
      ]),
    ),
    components: {
      securitySchemes: Object.fromEntries(Object.entries(SCHEMES).filter(([name]) => used.has(name))),
    },
  };
}
