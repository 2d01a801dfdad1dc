import { z } from "zod";
import { EventType } from "../contract/index.ts";

/** A table or column name, optionally schema-qualified: interpolated into SQL, so nothing else. */
const Ident = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, "a plain SQL name (letters, digits, _)");

/** Where a menu or ad event's shop id comes from: a column, or a dotted path into the payload. */
const ShopIdSource = z
  .string()
  .regex(/^(column|payload)\.[A-Za-z0-9_.]+$/, 'is "column.<name>" or "payload.<path>"');

/**
 * `edge-cache relay`'s settings, from flags and/or a JSON file (flags win). Defaults follow
 * Debezium's outbox event router: table `outbox` with `id`, `aggregatetype`, `aggregateid`,
 * `payload` and an optional timestamp.
 */
export const RelayConfig = z
  .object({
    databaseUrl: z.string().min(1, "is required (--database-url or DATABASE_URL)"),
    syncUrl: z.url().default("http://127.0.0.1:8788"),
    eventsToken: z.string().min(1, "is required (EVENTS_TOKEN)"),
    /** Names this relay's checkpoint rows, so several relays can share a database. */
    name: z
      .string()
      .regex(/^[a-z0-9_-]{1,64}$/)
      .default("edge-cache"),
    table: Ident.default("outbox"),
    columns: z
      .object({
        id: Ident.default("id"),
        aggregateType: Ident.default("aggregatetype"),
        aggregateId: Ident.default("aggregateid"),
        payload: Ident.default("payload"),
        /** Orders rows and bounds each poll; found by name (timestamp, created_at, occurred_at) when unset. */
        timestamp: Ident.nullable().optional(),
      })
      .strict()
      .prefault({}),
    /** The team's aggregate types → the product's event types, e.g. {"Restaurant": "shop"}. */
    types: z
      .record(z.string().min(1), EventType)
      .refine((t) => Object.keys(t).length > 0, "maps at least one aggregate type (--map Shop=shop)"),
    shopId: ShopIdSource.default("payload.shopId"),
    /** mark: keep rows, remember each delivered id (checkpoint tables); delete: remove rows once delivered. */
    onDelivery: z.enum(["mark", "delete"]).default("mark"),
    /** LISTEN channel for low latency (see --install-trigger); polling stays as the fallback. */
    channel: Ident.nullable().default(null),
    batchSize: z.number().int().min(1).max(1000).default(200),
    pollMs: z.number().int().min(10).max(600_000).default(1000),
    /** mark mode with a timestamp: how far before the newest delivered row each poll looks again. */
    lookbackMinutes: z
      .number()
      .min(0)
      .max(7 * 24 * 60)
      .default(10),
    metricsPort: z.number().int().min(0).max(65_535).nullable().default(null),
  })
  .strict();
export type RelayConfig = z.infer<typeof RelayConfig>;

/** `Shop=shop,Menu=menu` → {Shop: "shop", Menu: "menu"}; malformed pairs are left for zod to name. */
export function parseMap(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(",")
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const at = pair.lastIndexOf("=");
        return at < 0 ? [pair, ""] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      }),
  );
}

/** The shop id of a row, from the configured column or payload path; undefined when absent. */
export function shopIdOf(source: string, row: { shopIdColumn?: string | null; payload: string | null }) {
  if (source.startsWith("column.")) return row.shopIdColumn ?? undefined;
  let value: unknown;
  try {
    value = row.payload == null ? undefined : JSON.parse(row.payload);
  } catch {
    return undefined;
  }
  for (const part of source.slice("payload.".length).split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}
