import { Hono } from "hono";
import { z } from "zod";
import {
  AppError,
  AuditBody,
  ChangeEvent,
  docKindOf,
  PurgeBody,
  parseDocKey,
  parseOr400,
  ReplayBody,
  ResyncBody,
} from "../../contract/index.ts";
import { rateLimit, readJson } from "../../runtime/index.ts";
import { adminAuth } from "../console/session.ts";
import type { SyncDeps } from "./deps.ts";
import { trusted } from "./ingest.ts";
import { statusReport } from "./status.ts";

const DlqQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict();

/**
 * Admin API, behind ADMIN_TOKEN: purge, resync jobs, DLQ, status, catch-up now. The CLI
 * and the operator console both act through it; the console with its session cookie.
 */
export function adminRoutes(deps: SyncDeps): Hono {
  const app = new Hono();
  const rate = deps.rates?.adminPerSec ?? 20;
  app.use("*", rateLimit({ ratePerSec: rate, burst: rate * 2, ...trusted(deps) }));
  app.use("*", adminAuth(deps.tokens.admin));

  app.post("/purge", async (c) => {
    const body = parseOr400(PurgeBody, await readJson(c), "body");
    if (body.all) return c.json({ purged: await deps.store.purgeAll() });
    if (body.keys) {
      const bad = body.keys.find((k) => parseDocKey(k) === null);
      if (bad)
        throw new AppError("validation_failed", `not a document key: ${bad}`, {
          details: [{ field: "keys", message: `not a document key: ${bad}` }],
        });
      const purged = await deps.store.delete(body.keys);
      // Lists come back entry by entry from their shops; a purge must not leave them empty for good.
      if (deps.refill && body.keys.some((k) => docKindOf(k) !== "detail")) {
        const refill = deps
          .refill(body.keys)
          .catch((e) => deps.logger.warn("purge.refill_failed", { error: String(e) }));
        try {
          c.executionCtx.waitUntil(refill); // Workers: keep the isolate until the refill is done
        } catch {} // servers: no execution context, the promise simply runs
      }
      return c.json({ purged });
    }
    let purged = 0;
    for (const id of body.shopIds ?? []) purged += (await deps.store.purgeShop(id)).deleted;
    return c.json({ purged });
  });

  app.post("/resync", async (c) =>
    c.json(deps.jobs.startResync(parseOr400(ResyncBody, await readJson(c), "body")), 202),
  );
  app.get("/jobs", async (c) => c.json({ jobs: await deps.jobs.list() }));
  app.get("/jobs/:id", async (c) => {
    const job = await deps.jobs.get(c.req.param("id"));
    if (!job) throw new AppError("not_found", `no job ${c.req.param("id")}`);
    return c.json(job);
  });

  app.get("/dlq", async (c) => {
    const { limit } = parseOr400(DlqQuery, c.req.query(), "query");
    return c.json({
      size: await deps.store.countDeadLetters(),
      entries: await deps.store.listDeadLetters(limit),
    });
  });
  app.post("/dlq/replay", async (c) => {
    const body = parseOr400(ReplayBody, await readJson(c), "body");
    const entries = await deps.store.listDeadLetters(10_000);
    const chosen = body.all ? entries : entries.filter((e) => body.ids?.includes(e.id));
    const events = chosen
      .map((e) => ChangeEvent.safeParse(e.payload))
      .filter((r) => r.success)
      .map((r) => r.data);
    await deps.queue.send(events, { source: "replay" });
    await deps.store.deleteDeadLetters(chosen.map((e) => e.id));
    return c.json({ replayed: events.length, ids: chosen.map((e) => e.id) });
  });

  app.post("/catch-up", async (c) => {
    const report = await deps.catchUp.run();
    // What catch-up queued may complete the catalogue: checked once it is built, not awaited here.
    void deps.catalogue.run();
    return c.json(report);
  });
  app.post("/audit", async (c) => {
    const { sample } = parseOr400(AuditBody, await readJson(c), "body");
    return c.json(await deps.audit(sample));
  });

  app.get("/status", async (c) => c.json(await statusReport(deps)));
  return app;
}
