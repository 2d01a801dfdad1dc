import type { OriginEnv } from "../contract/index.ts";
import { swaggerAssets } from "../runtime/assets.ts";
import { createLogger, Registry, type Serve } from "../runtime/index.ts";
import { openDatabase } from "./db/open.ts";
import { openPostgres } from "./db/postgres.ts";
import { seedDemoIfEmpty } from "./demo/seed.ts";
import { pendingCount } from "./domain/outbox.ts";
import { createOriginApp } from "./http/app.ts";
import { OutboxRelay } from "./relay.ts";

/**
 * Wires the origin from a parsed environment; the runtime entry passes its `serve`. Order matters:
 * the database is migrated and seeded before the port opens, so `/healthz` answering means ready.
 */
export async function startOrigin(env: OriginEnv, serve: Serve) {
  const logger = createLogger("origin", env.LOG_LEVEL);
  const db = await openDatabase(env);
  const demo = { shops: env.DEMO_SHOPS, regions: env.DEMO_REGIONS, seed: env.DEMO_SEED };
  const started = Date.now();
  const seeded = await seedDemoIfEmpty(db, demo);
  if (seeded) logger.info("demo.seeded", { ...demo, ms: Date.now() - started });
  // On PostgreSQL the relay and the state API have connections of their own: under a burst of
  // commands (whose commits queue on the seq counter row, and on each other's row locks) pooled ones would wait
  // behind them, and the outbox and the query side's reads would fall behind while commands commit.
  // Two for the relay: a batch's mark is written behind the next read (origin/relay.ts), on its own.
  const own = (max: number) =>
    openPostgres(env.DATABASE_URL as string, { max, prepare: env.DATABASE_PREPARE });
  const relayDb = env.DATABASE_URL ? await own(2) : db;
  const readDb = env.DATABASE_URL ? await own(4) : db;
  const relay = new OutboxRelay({
    db: relayDb,
    syncUrl: env.SYNC_URL,
    eventsToken: env.EVENTS_TOKEN as string, // required: a missing one stops the start (contract/env.ts)
    logger,
    batchSize: env.RELAY_BATCH,
    retentionHours: env.OUTBOX_RETENTION_HOURS,
  });
  const registry = new Registry("origin");
  registry.counterFrom("relay_delivered_total", "Events the relay delivered", () => relay.stats.delivered);
  registry.counterFrom(
    "relay_failed_attempts_total",
    "Relay delivery attempts that failed",
    () => relay.stats.failedAttempts,
  );
  const app = createOriginApp({
    db,
    readDb,
    logger,
    registry,
    docs: swaggerAssets,
    stateToken: env.STATE_TOKEN,
    metricsToken: env.METRICS_TOKEN,
    onCommit: () => relay.wake(),
    health: async () => ({ outboxBacklog: await pendingCount(db), relay: relay.stats }),
  });
  const server = await serve(app.fetch, env.HOST, env.PORT);
  relay.start();
  logger.info("origin.listening", {
    url: `http://${env.HOST}:${server.port}`,
    database: env.DATABASE_URL ? "postgres" : `pglite:${env.ORIGIN_DATA_DIR}`,
    syncUrl: env.SYNC_URL,
  });
  return {
    port: server.port,
    relay,
    db,
    async stop() {
      await server.close();
      await relay.stop();
      for (const extra of new Set([relayDb, readDb])) if (extra !== db) await extra.close();
      await db.close();
    },
  };
}
