import { type Context, type ErrorHandler, Hono, type NotFoundHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { AppError, type ErrorCode } from "../contract/errors.ts";
import { guard, presents } from "./bearer.ts";
import type { Logger } from "./log.ts";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Whether a caller's X-Request-Id is kept: it is echoed and logged on every line, so short and plain. */
export const plainRequestId = (id: string): boolean => REQUEST_ID.test(id);

/**
 * The HTTP side of the error contract, shared by every service: one place maps errors to the
 * `{error:{code,message,details}}` body. Anything unexpected is a logged 500 whose
 * body says nothing about internals.
 */
export function errorHandler(logger: Logger, translate?: (error: unknown) => AppError | null): ErrorHandler {
  return (error, c) => {
    const known = toAppError(error) ?? translate?.(error) ?? null;
    if (known) {
      if (known.status >= 500)
        logger.error("request.failed", { path: c.req.path, code: known.code, error: describe(error) });
      return c.json(known.toBody(), known.status);
    }
    logger.error("request.crashed", { method: c.req.method, path: c.req.path, error: describe(error) });
    return c.json(new AppError("internal", "internal error").toBody(), 500);
  };
}

export const notFoundHandler: NotFoundHandler = (c) =>
  c.json(new AppError("not_found", `no route for ${c.req.method} ${c.req.path}`).toBody(), 404);

/** Hono's middleware (body limit, bearer auth, CSRF) throws HTTPExceptions; they get our codes. */
const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
};

function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[error.status] ?? "validation_failed";
    return new AppError(code, error.message || "bad request", { cause: error });
  }
  return null;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Reads a JSON body: wrong content type → 415, malformed → 400 `invalid_json`, never a 500. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "send the body as application/json", {
      details: { contentType: type || null },
    });
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("invalid_json", `malformed JSON: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Per-request observability for a service's app: `X-Request-Id` (kept from the caller or made),
 * a request counter by route and status, and one JSON log line per request (debug for successes,
 * so a busy edge does not log every hit; warn for 5xx other than a chosen 503), plus `GET /metrics`.
 */
export function observe(
  app: import("hono").Hono,
  o: {
    registry: import("./metrics.ts").Registry;
    logger: Logger;
    requests: import("./metrics.ts").Counter;
    metricsToken?: string | null;
  },
): void {
  app.use(async (c, next) => {
    const started = Date.now();
    // A caller's id is kept only if it looks like one: it is echoed and logged on every line.
    const given = c.req.header("x-request-id");
    const id = given && plainRequestId(given) ? given : crypto.randomUUID();
    await next();
    c.res.headers.set("x-request-id", id);
    const status = c.res.status;
    o.requests.inc({ route: c.req.routePath, status });
    const line = { requestId: id, method: c.req.method, path: c.req.path, status, ms: Date.now() - started };
    // A 503 is an answer the service chose (Retry-After: a limit, an outage it knows of) and is
    // counted in metrics; a line each would let a flood of them fill the logs.
    if (status >= 500 && status !== 503) o.logger.warn("http.request", line);
    else o.logger.debug("http.request", line);
  });
  // Behind METRICS_TOKEN: the series name regions, pids and volumes (docs/security.md).
  app.get(
    "/metrics",
    guard(o.metricsToken ?? null, "METRICS_TOKEN"),
    async () =>
      new Response(await o.registry.render(), { headers: { "content-type": "text/plain; version=0.0.4" } }),
  );
}

/**
 * The common frame of every service's app: the error body for errors and unknown routes,
 * request ids, logs and metrics (`observe`), and a body size limit where bodies are accepted.
 */
export function serviceApp(o: {
  logger: Logger;
  registry: import("./metrics.ts").Registry;
  translate?: (error: unknown) => AppError | null;
  bodyLimitBytes?: number;
  requestsHelp?: string;
  /** Guards GET /metrics; null or unset closes it (503 not_configured). */
  metricsToken?: string | null;
}): import("hono").Hono {
  const app = new Hono();
  app.onError(errorHandler(o.logger, o.translate));
  app.notFound(notFoundHandler);
  observe(app, {
    registry: o.registry,
    logger: o.logger,
    metricsToken: o.metricsToken ?? null,
    requests: o.registry.counter(
      "http_requests_total",
      o.requestsHelp ?? "HTTP requests by route and status",
    ),
  });
  const limit = o.bodyLimitBytes;
  if (limit !== undefined) {
    app.use(
      bodyLimit({
        maxSize: limit,
        onError: () => {
          throw new AppError("payload_too_large", `body larger than ${limit} bytes`);
        },
      }),
    );
  }
  return app;
}

/**
 * GET /healthz: `{status:"ok"}` for anyone (load balancers, uptime checks) once `check` passes;
 * the service's `facts` (pids, backlogs, region names) only with `Bearer METRICS_TOKEN`, since
 * they tell a stranger more than whether to send traffic.
 */
export function healthz(
  app: import("hono").Hono,
  o: {
    metricsToken: string | null | undefined;
    facts: () => Record<string, unknown> | Promise<Record<string, unknown>>;
    check?: () => Promise<unknown>;
  },
): void {
  app.get("/healthz", async (c) => {
    await o.check?.();
    return c.json(presents(c, o.metricsToken) ? { status: "ok", ...(await o.facts()) } : { status: "ok" });
  });
}
