import { z } from "zod";
import { TokenVars, tokens } from "./tokens.ts";
import { parseTrustProxy } from "./trust-proxy.ts";

/**
 * Each service's environment, parsed once at start. A wrong value stops the process with
 * a message naming the variable rather than failing later somewhere else.
 */
const Port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const Url = z.url({ protocol: /^https?$/ });
const NodeEnv = z.enum(["development", "production", "test"]).default("development");

const Common = z.object({
  NODE_ENV: NodeEnv,
  HOST: z.string().default("127.0.0.1"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  ...TokenVars,
});

/**
 * Who the client is (runtime/client-address.ts): comma-separated addresses or CIDRs (or `loopback`,
 * `private`) of the proxies whose X-Forwarded-For / CF-Connecting-IP is believed. Empty: the
 * socket's address. Workers take the platform's CF-Connecting-IP whatever this says.
 */
const TrustProxy = z
  .string()
  .default("")
  .superRefine((spec, ctx) => {
    try {
      parseTrustProxy(spec);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `${(error as Error).message} (addresses, CIDRs, loopback, private)`,
      });
    }
  });

/** Where documents live; shared by the sync-worker and the edge. */
const StoreVars = {
  // kv: Workers KV, only from a Workers entry (the binding is not reachable from a server).
  STORE: z.enum(["memory", "redis", "upstash", "kv"]).default("memory"),
  STORE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, "letters, digits, _ . - only")
    .default("ec"),
  MEMORY_STORE_MB: z.coerce.number().int().min(1).default(256),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default("redis://127.0.0.1:6379"),
  UPSTASH_REDIS_REST_URL: Url.optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
};
export type StoreVars = z.infer<z.ZodObject<typeof StoreVars>>;

export const OriginVars = Common.extend({
  PORT: Port(8789),
  SYNC_URL: Url.default("http://127.0.0.1:8788"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  // Connections for commands on PostgreSQL (the relay and the state API have their own).
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  // Named prepared statements, each parsed and planned once per connection. `false` behind a
  // pooler in transaction mode that cannot carry them (PgBouncer before 1.21).
  DATABASE_PREPARE: z.stringbool().default(true),
  ORIGIN_DATA_DIR: z.string().min(1).default(".data/origin"),
  DEMO_SHOPS: z.coerce.number().int().min(0).max(1_000_000).default(2000),
  // More than the ten named Seoul regions gives the national shape: skewed region sizes, each shop
  // delivering to 5–20 of them (origin/demo/generate.ts).
  DEMO_REGIONS: z.coerce.number().int().min(1).max(5000).default(10),
  DEMO_SEED: z.coerce.number().int().default(20200101),
  OUTBOX_RETENTION_HOURS: z.coerce.number().positive().default(168),
  RELAY_BATCH: z.coerce.number().int().min(1).max(1000).default(200),
});
export const OriginEnv = OriginVars.transform(
  tokens(["EVENTS_TOKEN", "STATE_TOKEN"], ["METRICS_TOKEN"], true),
);
export type OriginEnv = z.infer<typeof OriginEnv>;

export const SyncWorkerVars = Common.extend({
  PORT: Port(8788),
  ORIGIN_URL: Url.default("http://127.0.0.1:8789"),
  /** The edge the console's search page asks. */
  EDGE_URL: Url.default("http://127.0.0.1:8787"),
  TRUST_PROXY: TrustProxy,
  QUEUE: z.enum(["memory", "redis"]).default("memory"),
  CONSUMER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  /**
   * Live events waiting (ready and in flight) past which POST /events answers 503 with Retry-After:
   * the relay keeps them and sends again, so a flood cannot grow the queue without bound.
   */
  QUEUE_MAX_DEPTH: z.coerce.number().int().min(1).default(50_000),
  BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** Live batches in flight at once: one waits on its state read while the next is received. */
  LIVE_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  /** Bulk work (catch-up, timers, replays, resyncs): shops per batch (one batched state read each) and per second. */
  BULK_BATCH: z.coerce.number().int().min(1).max(200).default(200),
  BULK_SHOPS_PER_S: z.coerce.number().int().min(0).default(3000),
  /**
   * Bulk batches in flight at once: one's state read overlaps another's build. Default 2, and 1 on
   * KV, whose lists are read-modify-write with one writer (store/kv/kv-store.ts): more is refused there.
   */
  BULK_CONCURRENCY: z.coerce.number().int().min(1).max(8).optional(),
  MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  CATCH_UP_INTERVAL_S: z.coerce.number().min(0).default(30),
  /** A change catch-up queued that no document reflects yet is sent again after this (then doubling). */
  CATCH_UP_RESEND_S: z.coerce.number().min(0).default(60),
  /** How long such a change holds the checkpoint before catch-up lets it go. */
  CATCH_UP_HOLD_S: z.coerce.number().min(0).default(600),
  /**
   * The timer's passes leave a change younger than this (or than twice the live lag of the last
   * minute) to the live path: it is most likely queued, not lost.
   */
  CATCH_UP_GRACE_S: z.coerce.number().min(0).default(10),
  /** Per-client request rate on ingest and on admin (token bucket; burst is twice the rate). */
  INGEST_RATE_PER_S: z.coerce.number().positive().default(200),
  ADMIN_RATE_PER_S: z.coerce.number().positive().default(20),
  ORIGIN_TIMEOUT_MS: z.coerce.number().int().min(10).default(3000),
  ...StoreVars,
});
const syncWorkerEnv = (strict: boolean) =>
  SyncWorkerVars.transform((env, ctx) => ({
    ...tokens(["EVENTS_TOKEN", "ADMIN_TOKEN", "STATE_TOKEN"], ["METRICS_TOKEN"], strict)(env, ctx),
    BULK_CONCURRENCY: bulkConcurrency(env, ctx),
  }));
export const SyncWorkerEnv = syncWorkerEnv(true);
/** On Workers a token problem cannot stop a start: the routes it guards answer 503 instead. */
export const SyncWorkerWorkersEnv = syncWorkerEnv(false);
export type SyncWorkerEnv = z.infer<typeof SyncWorkerEnv>;

export const EdgeVars = Common.extend({
  PORT: Port(8787),
  ORIGIN_URL: Url.default("http://127.0.0.1:8789"),
  TRUST_PROXY: TrustProxy,
  /** In-process L1: byte budget and how long an entry is served without asking the store. */
  EDGE_L1_MB: z.coerce.number().min(0).default(64),
  EDGE_L1_TTL_MS: z.coerce.number().int().min(0).default(500),
  /** Time budgets: an origin fallback and a store read may take this long before we serve stale or 503. */
  EDGE_ORIGIN_BUDGET_MS: z.coerce.number().int().min(10).default(500),
  EDGE_STORE_BUDGET_MS: z.coerce.number().int().min(5).default(150),
  /** A document older than this is revalidated from the origin in the background (lost-event safety net). */
  EDGE_MAX_AGE_S: z.coerce.number().int().min(1).default(300),
  EDGE_NOT_FOUND_TTL_S: z.coerce.number().int().min(0).default(5),
  /** A list version named by a page cursor is kept this long, so paging sees one version (0: keyset only). */
  EDGE_CURSOR_RETAIN_S: z.coerce.number().int().min(0).max(86_400).default(600),
  EDGE_SWR_S: z.coerce.number().int().min(0).default(30),
  EDGE_SIE_S: z.coerce.number().int().min(0).default(86_400),
  /** br / gzip answers for clients that accept them (server runtimes; Workers compress at the platform). */
  EDGE_COMPRESS: z.enum(["on", "off"]).default("on"),
  /**
   * Origin calls public reads may cause, per edge process (per isolate on Workers): a token bucket
   * of this rate and burst, and one per client address for misses. Past them a read answers the
   * stored copy as STALE, else 503 with Retry-After, at once (docs/security.md).
   */
  EDGE_FALLBACK_RATE: z.coerce.number().positive().default(50),
  EDGE_FALLBACK_BURST: z.coerce.number().int().min(1).default(100),
  EDGE_CLIENT_MISS_RATE: z.coerce.number().positive().default(10),
  EDGE_CLIENT_MISS_BURST: z.coerce.number().int().min(1).default(40),
  /** X-Min-Version asks the origin at most once per key in this interval. */
  EDGE_MIN_VERSION_INTERVAL_MS: z.coerce.number().int().min(0).default(250),
  /** Search: indexes kept by bytes, and each query's typo-pass budget (edit-distance cells). */
  EDGE_SEARCH_MB: z.coerce.number().min(1).default(128),
  EDGE_SEARCH_TYPO_CELLS: z.coerce.number().int().min(0).default(2_000_000),
  /** Edge processes sharing the port (server runtimes, shared store): default one per core, 1 with STORE=memory. */
  EDGE_PROCESSES: z.coerce.number().int().min(1).max(64).optional(),
  ...StoreVars,
});
export const EdgeEnv = EdgeVars.transform(tokens(["STATE_TOKEN"], ["METRICS_TOKEN"], true));
export const EdgeWorkersEnv = EdgeVars.transform(tokens(["STATE_TOKEN"], ["METRICS_TOKEN"], false));
export type EdgeEnv = z.infer<typeof EdgeEnv>;

/**
 * The embedded query side (sync-worker + edge in one process, `npm run query`): both services' own
 * variables, with a port each instead of the one `PORT`.
 */
export const QueryEnv = z.object({
  EDGE_PORT: Port(8787),
  SYNC_PORT: Port(8788),
});
export type QueryEnv = z.infer<typeof QueryEnv>;

function bulkConcurrency(
  env: { STORE: string; BULK_CONCURRENCY?: number | undefined },
  ctx: z.RefinementCtx,
) {
  if (env.STORE !== "kv") return env.BULK_CONCURRENCY ?? 2;
  if ((env.BULK_CONCURRENCY ?? 1) > 1)
    ctx.addIssue({
      code: "custom",
      path: ["BULK_CONCURRENCY"],
      message: "must be 1 with STORE=kv: KV lists are read-modify-write and take one writer",
    });
  return 1;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses an environment; the thrown message lists every bad variable with what was expected. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
  throw new ConfigError(`Invalid environment:\n${lines.join("\n")}`);
}
