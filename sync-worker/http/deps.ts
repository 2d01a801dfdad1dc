import type { BreakerChange, BreakerState } from "../../clients/index.ts";
import type { TrustProxy } from "../../contract/index.ts";
import type { AssetLoader, Logger, Registry } from "../../runtime/index.ts";
import type { DocumentStore } from "../../store/port.ts";
import type { AuditReport } from "../audit.ts";
import type { CatalogueSweep } from "../catalogue-sweep.ts";
import type { CatchUp } from "../catch-up.ts";
import type { Jobs } from "../jobs.ts";
import type { SyncTokens } from "../options.ts";
import type { OriginMonitor } from "../origin-monitor.ts";
import type { ChangeQueue } from "../queue/port.ts";
import type { LagWindow, RepairWindow, SyncCounters } from "../stats.ts";
import type { Timeline } from "../timeline.ts";

export type SyncDeps = {
  queue: ChangeQueue;
  store: DocumentStore;
  jobs: Jobs;
  catchUp: CatchUp;
  catalogue: CatalogueSweep;
  lag: LagWindow;
  repair: RepairWindow;
  timeline: Timeline;
  monitor: OriginMonitor;
  counters: SyncCounters;
  breaker: { state(): BreakerState; history(): BreakerChange[] };
  tokens: SyncTokens;
  trustProxy?: TrustProxy;
  /** Live events waiting past which ingest answers 503 (see back-pressure.ts). */
  queueMaxDepth?: number;
  now?: () => number;
  logger: Logger;
  registry: Registry;
  rates?: { ingestPerSec: number; adminPerSec: number };
  audit: (sample: number) => Promise<AuditReport>;
  /** Rebuilds purged lists (and a purged main's lists) from the origin; answers shops rebuilt. */
  refill?: (keys: readonly string[]) => Promise<number>;
  docs?: AssetLoader;
  /** The edge whose search the console's search page asks (EDGE_URL). */
  edgeUrl?: string;
  bodyLimitBytes?: number;
  /**
   * True once shutting down: ends the console's open event streams. A function, not an
   * AbortSignal: workerd refuses a signal made during one request from being read in another.
   */
  closing?: () => boolean;
};
