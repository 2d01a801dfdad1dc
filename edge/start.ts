import type { EdgeEnv } from "../contract/index.ts";
import { swaggerAssets } from "../runtime/assets.ts";
import { zlibCompress } from "../runtime/compress.ts";
import { createLogger, type Serve } from "../runtime/index.ts";
import { openStore } from "../store/open.ts";
import { edgeConfig } from "./config.ts";
import { createEdge } from "./service.ts";

/** The edge on a server runtime (Node, Bun, Deno) from a parsed environment. */
export async function startEdge(env: EdgeEnv, serve: Serve, options: { reusePort?: boolean } = {}) {
  const logger = createLogger("edge", env.LOG_LEVEL);
  const edge = createEdge({
    store: await openStore(env),
    originUrl: env.ORIGIN_URL,
    stateToken: env.STATE_TOKEN,
    metricsToken: env.METRICS_TOKEN,
    logger,
    config: edgeConfig(env, zlibCompress),
    docs: swaggerAssets,
  });
  edge.startProbe();
  const server = await serve(edge.fetch, env.HOST, env.PORT, options);
  logger.info("edge.listening", {
    url: `http://${env.HOST}:${server.port}`,
    origin: env.ORIGIN_URL,
    store: env.STORE,
  });
  return {
    ...edge,
    port: server.port,
    async stop() {
      await server.close();
      await edge.stop();
    },
  };
}
