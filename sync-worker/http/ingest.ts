import { Hono } from "hono";
import { bearer } from "../../contract/bearer.ts";
import { ChangeEvent, EventBatch, parseOr400, rateLimit, readJson } from "../../contract/index.ts";
import type { SyncDeps } from "./deps.ts";

/**
 * POST /events (BRIEF §4): one event or `{events:[...]}`, validated as a whole — one bad event
 * rejects the batch naming its index and field, and nothing is queued. 202 only once the queue
 * holds the events, so an origin's relay may mark them delivered.
 */
export function ingestRoutes(deps: SyncDeps): Hono {
  const app = new Hono();
  // Compared in constant time (contract/bearer.ts).
  const rate = deps.rates?.ingestPerSec ?? 200;
  app.use("/events", rateLimit({ ratePerSec: rate, burst: rate * 2 }));
  app.use("/events", bearer(deps.tokens.events));
  app.post("/events", async (c) => {
    const body = await readJson(c);
    const events =
      body !== null && typeof body === "object" && "events" in body
        ? parseOr400(EventBatch, body, "event batch").events
        : [parseOr400(ChangeEvent, body, "event")];
    await deps.queue.send(events);
    deps.counters.eventsIn += events.length;
    return c.json({ accepted: events.length }, 202);
  });
  return app;
}
