import { Hono } from "hono";
import { ChangeEvent, EventBatch, parseOr400 } from "../../contract/index.ts";
import { guard, rateLimit, readJson } from "../../runtime/index.ts";
import { IngestGate } from "./back-pressure.ts";
import type { SyncDeps } from "./deps.ts";

/**
 * POST /events: one event or `{events:[...]}`, validated as a whole — one bad event rejects the
 * batch naming its index and field, and nothing is queued. 202 only once the queue holds the
 * events, so an origin's relay may mark them delivered; 503 + Retry-After while the queue is full.
 */
export function ingestRoutes(deps: SyncDeps): Hono {
  const app = new Hono();
  const rate = deps.rates?.ingestPerSec ?? 200;
  const gate = new IngestGate({
    queue: deps.queue,
    maxDepth: deps.queueMaxDepth ?? 50_000,
    ...(deps.now ? { now: deps.now } : {}),
    onRefused: (n) => {
      deps.counters.eventsRefused += n;
    },
  });
  app.use("/events", rateLimit({ ratePerSec: rate, burst: rate * 2, ...trusted(deps) }));
  // Compared in constant time (runtime/bearer.ts).
  app.use("/events", guard(deps.tokens.events, "EVENTS_TOKEN"));
  app.post("/events", async (c) => {
    const body = await readJson(c);
    const events =
      body !== null && typeof body === "object" && "events" in body
        ? parseOr400(EventBatch, body, "event batch").events
        : [parseOr400(ChangeEvent, body, "event")];
    await gate.admit(c, events.length);
    await deps.queue.send(events);
    deps.counters.eventsIn += events.length;
    return c.json({ accepted: events.length }, 202);
  });
  return app;
}

/** The rate limits' view of who the client is (TRUST_PROXY) and of time. */
export const trusted = (deps: SyncDeps) => ({
  ...(deps.trustProxy ? { trust: deps.trustProxy } : {}),
  ...(deps.now ? { now: deps.now } : {}),
});
