import { Hono } from "hono";
import { EventRelay } from "../clients/event-relay.ts";
import { createLogger, type Logger, Registry } from "../runtime/index.ts";
import { nodeServe } from "../runtime/node.ts";
import type { RelayConfig } from "./config.ts";
import { debeziumSource } from "./debezium.ts";

/**
 * `edge-cache relay` wired up: the team's outbox as a source, the shared delivery loop, LISTEN on
 * the channel for low latency (polling stays as the fallback when NOTIFY is not installed or a
 * connection drops), and `/metrics` on 127.0.0.1 when a port is given.
 */
export async function startRelay(
  c: RelayConfig,
  logger: Logger = createLogger("relay"),
  o: { loop?: boolean } = {},
) {
  const registry = new Registry("relay");
  const skippedTotal = registry.counter("skipped_total", "Outbox rows that could not be mapped, by reason");
  const source = await debeziumSource(c, logger, (s) => skippedTotal.inc({ reason: s.reason }));
  const relay = new EventRelay(source, {
    syncUrl: c.syncUrl,
    eventsToken: c.eventsToken,
    logger,
    batchSize: c.batchSize,
    pollMs: c.pollMs,
  });
  registry.counterFrom("delivered_total", "Events the relay delivered", () => relay.stats.delivered);
  registry.counterFrom(
    "rounds_total",
    "Delivery rounds completed, whether they found rows or not",
    () => relay.stats.rounds,
  );
  registry.counterFrom(
    "failed_attempts_total",
    "Delivery attempts that failed",
    () => relay.stats.failedAttempts,
  );
  registry.gauge("pending_rows", "Outbox rows not yet delivered or skipped (capped at 100,000)", () =>
    source.pendingRows(100_000),
  );
  const listener = c.channel ? await source.sql.listen(c.channel, () => relay.wake()) : null;
  if (o.loop !== false) relay.start();
  const metrics =
    c.metricsPort === null
      ? null
      : await nodeServe(
          new Hono().get("/metrics", async (ctx) =>
            ctx.text(await registry.render(), 200, { "content-type": "text/plain; version=0.0.4" }),
          ).fetch,
          "127.0.0.1",
          c.metricsPort,
        );
  logger.info("relay.started", {
    table: c.table,
    onDelivery: c.onDelivery,
    timestamp: source.shape.timestamp,
    channel: c.channel,
    syncUrl: c.syncUrl,
    types: c.types,
    ...(metrics ? { metrics: `http://127.0.0.1:${metrics.port}/metrics` } : {}),
  });
  return {
    relay,
    metricsPort: metrics?.port ?? null,
    /** Delivers until the outbox has nothing left (for `--once` and tests). */
    drain: async () => {
      while ((await relay.deliverOnce()) > 0);
    },
    async stop() {
      await relay.stop();
      await listener?.unlisten();
      await metrics?.close();
      await source.close();
    },
  };
}
