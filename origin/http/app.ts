import type { Hono } from "hono";
import { AppError, originOpenApi } from "../../contract/index.ts";
import { guard } from "../../runtime/bearer.ts";
import { healthz, mountDocs, Registry, serviceApp } from "../../runtime/index.ts";
import { pendingCount } from "../domain/outbox.ts";
import { commandRoutes } from "./commands.ts";
import type { OriginDeps } from "./deps.ts";
import { stateRoutes } from "./state.ts";

export type { OriginDeps } from "./deps.ts";

/** The origin's HTTP app, runtime-free: entries build the deps and serve `app.fetch`. */
export function createOriginApp(deps: OriginDeps): Hono {
  const registry = deps.registry ?? new Registry("origin");
  registry.gauge("outbox_backlog", "Outbox rows not yet delivered to the sync-worker", () =>
    pendingCount(deps.db),
  );
  const app = serviceApp({
    logger: deps.logger,
    registry,
    translate: translatePgError,
    bodyLimitBytes: deps.bodyLimitBytes ?? 64 * 1024,
    metricsToken: deps.metricsToken ?? null,
  });
  healthz(app, {
    metricsToken: deps.metricsToken,
    check: () => deps.db.query("SELECT 1"),
    facts: async () => ({ engine: deps.db.engine, ...(await deps.health?.()) }),
  });
  mountDocs(app, "edge-cache origin", originOpenApi, deps.docs);
  app.route("/", commandRoutes(deps));
  // The state API is the query side's alone: full shops and owners, read in bulk (docs/security.md).
  app.use("/state/*", guard(deps.stateToken, "STATE_TOKEN"));
  app.route("/state", stateRoutes(deps));
  return app;
}

/** Constraint errors that slip past validation (a race with a delete) are conflicts, not crashes. */
function translatePgError(error: unknown): AppError | null {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return null;
  if (code.startsWith("23"))
    return new AppError("conflict", "the change conflicts with current data", { cause: error });
  if (code === "22P02" || code === "22007" || code === "22008" || code === "22003") {
    return new AppError("validation_failed", "a value is out of range for its field", { cause: error });
  }
  return null;
}
