import { httpOriginClient } from "../../clients/index.ts";
import { EdgeEnv, parseEnv, QueryEnv, SyncWorkerEnv } from "../../contract/index.ts";
import { edgeConfig } from "../../edge/config.ts";
import { createEdge } from "../../edge/service.ts";
import { swaggerAssets } from "../../runtime/assets.ts";
import { zlibCompress } from "../../runtime/compress.ts";
import { createLogger, type Serve } from "../../runtime/index.ts";
import { openStore } from "../../store/open.ts";
import { createMemoryQueue } from "../../sync-worker/queue/memory.ts";
import { createRedisQueue } from "../../sync-worker/queue/redis-streams.ts";
import { createSyncWorker, optionsFromEnv } from "../../sync-worker/service.ts";

/**
 * The query side in one process (the one place two services share a process): the sync-worker and the edge
 * share one store and one queue — in memory by default, so the edge sees a written document at once.
 */
export async function startQuery(vars: Record<string, string | undefined>, serve: Serve) {
  const ports = parseEnv(QueryEnv, vars);
  const syncEnv = parseEnv(SyncWorkerEnv, vars);
  const edgeEnv = parseEnv(EdgeEnv, vars);
  const store = await openStore(syncEnv);
  const syncLogger = createLogger("sync-worker", syncEnv.LOG_LEVEL);
  const queue =
    syncEnv.QUEUE === "redis"
      ? await createRedisQueue({
          url: syncEnv.REDIS_URL,
          prefix: syncEnv.STORE_PREFIX,
          consumer: syncEnv.CONSUMER_NAME ?? `query-${Date.now()}`,
          logger: syncLogger,
        })
      : createMemoryQueue();
  const sync = createSyncWorker({
    store,
    queue,
    origin: httpOriginClient(syncEnv.ORIGIN_URL, { token: syncEnv.STATE_TOKEN }),
    logger: syncLogger,
    ...optionsFromEnv(syncEnv),
    // The console's search page asks the edge of this same process.
    edgeUrl: `http://${edgeEnv.HOST}:${ports.EDGE_PORT}`,
    docs: swaggerAssets,
  });
  const edge = createEdge({
    store,
    originUrl: edgeEnv.ORIGIN_URL,
    stateToken: edgeEnv.STATE_TOKEN,
    metricsToken: edgeEnv.METRICS_TOKEN,
    logger: createLogger("edge", edgeEnv.LOG_LEVEL),
    config: edgeConfig(edgeEnv, zlibCompress),
    docs: swaggerAssets,
  });
  const syncServer = await serve((req, peer) => sync.app.fetch(req, { peer }), syncEnv.HOST, ports.SYNC_PORT);
  const edgeServer = await serve(edge.fetch, edgeEnv.HOST, ports.EDGE_PORT);
  sync.start(syncEnv.CATCH_UP_INTERVAL_S * 1000);
  edge.startProbe();
  syncLogger.info("query.listening", {
    edge: `http://${edgeEnv.HOST}:${edgeServer.port}`,
    syncWorker: `http://${syncEnv.HOST}:${syncServer.port}`,
    store: syncEnv.STORE,
    queue: syncEnv.QUEUE,
  });
  return {
    edgePort: edgeServer.port,
    syncPort: syncServer.port,
    async stop() {
      sync.endStreams(); // open console streams would hold the server's close for up to a minute
      await edgeServer.close();
      await syncServer.close();
      edge.health.stop();
      await sync.stop(); // closes the shared store and queue
    },
  };
}
