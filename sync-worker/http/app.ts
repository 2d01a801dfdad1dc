import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError, errorHandler, notFoundHandler } from "../../contract/index.ts";
import { adminRoutes } from "./admin.ts";
import type { SyncDeps } from "./deps.ts";
import { ingestRoutes } from "./ingest.ts";

export type { SyncDeps } from "./deps.ts";

/** The sync-worker's HTTP app, runtime-free: ingest, admin and health. */
export function createSyncApp(deps: SyncDeps): Hono {
  const app = new Hono();
  const limit = deps.bodyLimitBytes ?? 1024 * 1024;
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler);
  app.use(
    bodyLimit({
      maxSize: limit,
      onError: () => {
        throw new AppError("payload_too_large", `body larger than ${limit} bytes`);
      },
    }),
  );
  app.get("/healthz", async (c) => c.json({ status: "ok", queue: deps.queue.kind, store: deps.store.kind }));
  app.route("/", ingestRoutes(deps));
  app.route("/admin", adminRoutes(deps));
  return app;
}
