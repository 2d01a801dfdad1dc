import { readFile } from "node:fs/promises";
import { defineCommand } from "citty";
import postgres from "postgres";
import { parseMap, RelayConfig } from "../relay/config.ts";
import { startRelay } from "../relay/run.ts";
import { triggerSql } from "../relay/schema.ts";
import { createLogger } from "../runtime/index.ts";
import { CliError } from "./client.ts";

/**
 * `edge-cache relay`: delivers a team's existing outbox table (Debezium's outbox convention) to
 * the sync-worker as zero-payload events. Secrets come from the environment, never from flags
 * (flags show in `ps`): DATABASE_URL (or RELAY_DATABASE_URL) and EVENTS_TOKEN.
 */
export const relay = defineCommand({
  meta: {
    name: "relay",
    description:
      "Deliver your own outbox table to the sync-worker (POST /events). Secrets from the environment: DATABASE_URL (or RELAY_DATABASE_URL), EVENTS_TOKEN",
  },
  args: {
    config: { type: "string", description: "a JSON file with the settings below (flags win)" },
    "sync-url": { type: "string", description: "the sync-worker (default http://127.0.0.1:8788)" },
    table: { type: "string", description: "the outbox table (default outbox)" },
    map: { type: "string", description: "aggregate types to event types, e.g. Shop=shop,Menu=menu,Promo=ad" },
    "shop-id": {
      type: "string",
      description: "a menu/ad row's shop id: payload.<path> (default payload.shopId) or column.<name>",
    },
    "id-column": { type: "string", description: "default id" },
    "aggregate-type-column": { type: "string", description: "default aggregatetype" },
    "aggregate-id-column": { type: "string", description: "default aggregateid" },
    "payload-column": { type: "string", description: "default payload" },
    "timestamp-column": {
      type: "string",
      description: "orders rows (default: timestamp, created_at or occurred_at if present)",
    },
    "on-delivery": {
      type: "string",
      description: "mark (keep rows, checkpoint in your database; default) or delete",
    },
    channel: { type: "string", description: "LISTEN channel for low latency (see --install-trigger)" },
    "install-trigger": {
      type: "boolean",
      description: "create the NOTIFY trigger on the table for --channel, then exit",
    },
    batch: { type: "string", description: "rows per POST, 1–1000 (default 200)" },
    "poll-ms": {
      type: "string",
      description: "polling interval, the fallback when no NOTIFY comes (default 1000)",
    },
    name: { type: "string", description: "this relay's checkpoint name (default edge-cache)" },
    "metrics-port": { type: "string", description: "serve /metrics on 127.0.0.1 at this port" },
    once: { type: "boolean", description: "deliver what is there, then exit" },
  },
  async run({ args }) {
    const c = await configFrom(args);
    if (args["install-trigger"]) {
      if (!c.channel) throw new CliError("--install-trigger needs --channel");
      const sql = postgres(c.databaseUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe(triggerSql(c.table, c.channel)).finally(() => sql.end());
      console.log(`NOTIFY trigger installed on ${c.table} for channel ${c.channel}`);
      return;
    }
    const level = (["debug", "info", "warn", "error", "silent"] as const).find(
      (l) => l === process.env.LOG_LEVEL,
    );
    const running = await startRelay(c, createLogger("relay", level ?? "info"), { loop: !args.once }).catch(
      (error) => {
        throw new CliError(`relay cannot start: ${(error as Error).message}`);
      },
    );
    if (args.once) {
      await running
        .drain()
        .catch((error) => {
          throw new CliError(`cannot deliver to ${c.syncUrl}: ${(error as Error).message}`);
        })
        .finally(() => running.stop());
      return;
    }
    await new Promise<void>((resolve) => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
    });
    await running.stop();
  },
});

const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

/** The file (if any), then flags and environment, validated as one RelayConfig; a bad field is named. */
async function configFrom(args: Record<string, unknown>) {
  const s = (k: string) => args[k] as string | undefined;
  const file = s("config") ? JSON.parse(await readFile(s("config") as string, "utf8")) : {};
  const flags = {
    databaseUrl: process.env.RELAY_DATABASE_URL ?? process.env.DATABASE_URL ?? file.databaseUrl,
    eventsToken: process.env.EVENTS_TOKEN ?? file.eventsToken,
    syncUrl: s("sync-url") ?? process.env.SYNC_URL,
    table: s("table"),
    types: s("map") === undefined ? undefined : parseMap(s("map") as string),
    shopId: s("shop-id"),
    columns: {
      ...file.columns,
      id: s("id-column") ?? file.columns?.id,
      aggregateType: s("aggregate-type-column") ?? file.columns?.aggregateType,
      aggregateId: s("aggregate-id-column") ?? file.columns?.aggregateId,
      payload: s("payload-column") ?? file.columns?.payload,
      timestamp: s("timestamp-column") ?? file.columns?.timestamp,
    },
    onDelivery: s("on-delivery"),
    channel: s("channel"),
    batchSize: num(s("batch")),
    pollMs: num(s("poll-ms")),
    name: s("name"),
    metricsPort: num(s("metrics-port")),
  };
  const merged = { ...file, ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) };
  merged.columns = Object.fromEntries(Object.entries(merged.columns).filter(([, v]) => v !== undefined));
  const parsed = RelayConfig.safeParse(merged);
  if (!parsed.success)
    throw new CliError(
      parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; "),
    );
  return parsed.data;
}
