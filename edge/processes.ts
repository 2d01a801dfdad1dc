import { availableParallelism } from "node:os";
import { ConfigError, type EdgeEnv } from "../contract/index.ts";
import { createLogger, type Serve } from "../runtime/index.ts";
import { type Child, supervise } from "../runtime/supervise.ts";
import { startEdge } from "./start.ts";

/** How many edge processes: EDGE_PROCESSES, else one per core over a shared store (1 in tests). */
export function edgeProcessCount(env: EdgeEnv, vars: Record<string, string | undefined>): number {
  if (env.EDGE_PROCESSES !== undefined) {
    if (env.EDGE_PROCESSES > 1 && env.STORE === "memory")
      throw new ConfigError(
        `EDGE_PROCESSES=${env.EDGE_PROCESSES} needs a shared store (STORE=redis or upstash): with STORE=memory each process would hold its own store, filled by no sync-worker`,
      );
    return env.EDGE_PROCESSES;
  }
  return env.STORE === "memory" || vars.VITEST ? 1 : availableParallelism();
}

/**
 * The edge on a server runtime, as one process or as a supervisor of N: each child is this same
 * entry with EDGE_WORKER=1, binding the shared port (SO_REUSEPORT on Bun and Deno, node:cluster on
 * Node), reading the shared store with its own L1, kept fresh by the store's write notifications.
 */
export async function startEdgeProcesses(
  env: EdgeEnv,
  serve: Serve,
  vars: Record<string, string | undefined>,
  spawnChild: (index: number) => Child,
) {
  if (vars.EDGE_WORKER === "1") return startEdge(env, serve, { reusePort: true });
  const count = edgeProcessCount(env, vars);
  if (count === 1) return startEdge(env, serve);
  const logger = createLogger("edge", env.LOG_LEVEL);
  const processes = supervise({ count, spawn: spawnChild, logger });
  logger.info("edge.listening", {
    url: `http://${env.HOST}:${env.PORT}`,
    processes: count,
    store: env.STORE,
  });
  return { stop: () => processes.stop() };
}
