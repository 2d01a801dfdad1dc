import type { Logger } from "../../contract/index.ts";
import type { Database } from "../db/sql.ts";

export type OriginDeps = {
  db: Database;
  logger: Logger;
  /** Called after every committed write (the relay's wake-up). */
  onCommit?: () => void;
  /** Extra health facts, e.g. the relay's backlog and last error. */
  health?: () => Promise<Record<string, unknown>>;
  /** Largest accepted request body; commands are small. */
  bodyLimitBytes?: number;
};
