import type { OriginClient } from "../clients/index.ts";
import { parseTrustProxy, type SyncWorkerEnv, type TrustProxy } from "../contract/index.ts";
import type { AssetLoader, Logger } from "../runtime/index.ts";
import type { DocumentStore } from "../store/port.ts";
import type { BulkLimits } from "./consumer.ts";
import type { ChangeQueue } from "./queue/port.ts";

export type SyncWorkerOptions = {
  store: DocumentStore;
  queue: ChangeQueue;
  origin: OriginClient;
  logger: Logger;
  /**
   * EVENTS_TOKEN guards ingest, ADMIN_TOKEN the admin API and console, METRICS_TOKEN /metrics and
   * /healthz's details. Null closes what it guards (503 not_configured): how a Worker whose secret
   * is missing stays closed.
   */
  tokens: SyncTokens;
  /** Proxies whose client-address headers are believed (TRUST_PROXY); none by default. */
  trustProxy?: TrustProxy;
  /** Live events waiting past which ingest answers 503 + Retry-After (QUEUE_MAX_DEPTH). */
  queueMaxDepth?: number;
  batchSize?: number;
  /** Live batches processed at once (LIVE_CONCURRENCY): a batch waits on the origin most of its time. */
  liveConcurrency?: number;
  /** Batch size and pace of bulk work: the bulk lane and resync jobs (0 per second: unpaced). */
  bulk?: BulkLimits;
  /** Waits before each retry round of a resync's failed shops (default 1 s … 30 s, six rounds). */
  resyncRetryMs?: number[];
  maxAttempts?: number;
  originTimeoutMs?: number;
  retryBaseMs?: number;
  /** The edge the console's search page asks (EDGE_URL). */
  edgeUrl?: string;
  /** Swagger UI files for /docs (server runtimes). */
  docs?: AssetLoader;
  /** Per-client rate limits of ingest and admin. */
  rates?: { ingestPerSec: number; adminPerSec: number };
  /** How long the origin breaker stays open before a trial call. */
  breakerCooldownMs?: number;
  /** How often the origin's outbox is read (the breaker's heartbeat). */
  originProbeMs?: number;
  /** One point of the console's 15-minute timeline per step. */
  timelineStepMs?: number;
  /** Catch-up's hold on changes it queued (see CatchUp). */
  catchUp?: { resendAfterMs?: number; holdMs?: number; graceMs?: number; maxHeld?: number };
  /** How often the catalogue is checked for completeness (see CatalogueSweep); 0: after catch-ups only. */
  catalogueSweepMs?: number;
  now?: () => number;
  /** Told the bytes written to the store per shop rebuilt (the bench's per-change figure). */
  onBytes?: (bytes: number, shopId: string) => void;
};

export type SyncTokens = { events: string | null; admin: string | null; metrics?: string | null };

/** The options every server and Workers entry takes from its parsed environment. */
export const optionsFromEnv = (env: SyncWorkerEnv) => ({
  tokens: { events: env.EVENTS_TOKEN, admin: env.ADMIN_TOKEN, metrics: env.METRICS_TOKEN },
  trustProxy: parseTrustProxy(env.TRUST_PROXY),
  queueMaxDepth: env.QUEUE_MAX_DEPTH,
  batchSize: env.BATCH_SIZE,
  liveConcurrency: env.LIVE_CONCURRENCY,
  edgeUrl: env.EDGE_URL,
  bulk: { batchSize: env.BULK_BATCH, perSec: env.BULK_SHOPS_PER_S, concurrency: env.BULK_CONCURRENCY },
  maxAttempts: env.MAX_ATTEMPTS,
  originTimeoutMs: env.ORIGIN_TIMEOUT_MS,
  rates: { ingestPerSec: env.INGEST_RATE_PER_S, adminPerSec: env.ADMIN_RATE_PER_S },
  catchUp: {
    resendAfterMs: env.CATCH_UP_RESEND_S * 1000,
    holdMs: env.CATCH_UP_HOLD_S * 1000,
    graceMs: env.CATCH_UP_GRACE_S * 1000,
  },
});
