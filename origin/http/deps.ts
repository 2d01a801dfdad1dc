import type { AssetLoader, Logger, Registry } from "../../runtime/index.ts";
import type { Database } from "../db/sql.ts";

export type OriginDeps = {
  db: Database;
  /**
   * Where the state API reads, when not `db`: a pool of its own, so the query side's reads never
   * queue behind a burst of commands waiting on each other's locks (PostgreSQL; PGlite has one).
   */
  readDb?: Database;
  logger: Logger;
  /**
   * Bearer token of the state API (STATE_TOKEN): the query side's services hold it. Null closes
   * /state/* (503 not_configured) rather than opening it.
   */
  stateToken: string | null;
  /** Guards /metrics and /healthz's details (METRICS_TOKEN); unset closes /metrics. */
  metricsToken?: string | null;
  /** Called after every committed write (the relay's wake-up). */
  onCommit?: () => void;
  /** Extra health facts, e.g. the relay's backlog and last error. */
  health?: () => Promise<Record<string, unknown>>;
  /** Where the app's metrics go; the start code adds the relay's. */
  registry?: Registry;
  /** Swagger UI files for /docs, where the runtime can read them. */
  docs?: AssetLoader;
  /** Largest accepted request body; commands are small. */
  bodyLimitBytes?: number;
};
