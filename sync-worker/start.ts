import { hostname } from "node:os";
import { httpOriginClient } from "../clients/index.ts";
import type { SyncWorkerEnv } from "../contract/index.ts";
import { swaggerAssets } from "../runtime/assets.ts";
import { createLogger, type Serve } from "../runtime/index.ts";
import { openStore } from "../store/open.ts";
import { createMemoryQueue } from "./queue/memory.ts";
import type { ChangeQueue } from "./queue/port.ts";
import { createRedisQueue } from "./queue/redis-streams.ts";
import { createSyncWorker, optionsFromEnv } from "./service.ts";

/** A sync-worker on a server runtime from a parsed environment; the entry passes its `serve`. */
export async function startSyncWorker(env: SyncWorkerEnv, serve: Serve) {
  const logger = createLogger("sync-worker", env.LOG_LEVEL);
  const store = await openStore(env);
  const queue: ChangeQueue =
    env.QUEUE === "redis"
      ? await createRedisQueue({
          url: env.REDIS_URL,
          prefix: env.STORE_PREFIX,
          consumer: env.CONSUMER_NAME ?? `${hostname()}-${process.pid}`,
          logger,
        })
      : createMemoryQueue();
  const worker = createSyncWorker({
    store,
    queue,
    origin: httpOriginClient(env.ORIGIN_URL, { token: env.STATE_TOKEN }),
    logger,
    ...optionsFromEnv(env),
    docs: swaggerAssets,
  });
  const server = await serve((req, peer) => worker.app.fetch(req, { peer }), env.HOST, env.PORT);
  worker.start(env.CATCH_UP_INTERVAL_S * 1000);
  logger.info("sync_worker.listening", {
    url: `http://${env.HOST}:${server.port}`,
    origin: env.ORIGIN_URL,
    store: env.STORE,
    queue: env.QUEUE,
  });
  return {
    ...worker,
    port: server.port,
    async stop() {
      worker.endStreams();
      await server.close();
      await worker.stop();
    },
  };
}
