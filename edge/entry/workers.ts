import { Redis } from "@upstash/redis/cloudflare";
import { createLogger, EdgeEnv, parseEnv } from "../../contract/index.ts";
import { createKvStore } from "../../store/kv.ts";
import { createRedisStore } from "../../store/redis.ts";
import { edgeConfig } from "../config.ts";
import { createEdge } from "../service.ts";

/**
 * Cloudflare Workers entry: the same edge over Workers KV (or Upstash, for 1 s freshness across
 * locations). Built on the first request of an isolate — workerd forbids timers and random values
 * in global scope — and kept for the isolate's life, so the L1 and the breaker carry across requests.
 */
type Bindings = Record<string, unknown> & { DOCS: KVNamespace };
let cached: { env: Bindings; edge: ReturnType<typeof createEdge> } | null = null;

function edgeFor(env: Bindings) {
  if (cached?.env === env) return cached.edge;
  const strings = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
  const vars = parseEnv(EdgeEnv, strings);
  const store =
    vars.STORE === "upstash" && vars.UPSTASH_REDIS_REST_URL && vars.UPSTASH_REDIS_REST_TOKEN
      ? createRedisStore(
          new Redis({
            url: vars.UPSTASH_REDIS_REST_URL,
            token: vars.UPSTASH_REDIS_REST_TOKEN,
            automaticDeserialization: false,
          }),
          { prefix: vars.STORE_PREFIX },
        )
      : createKvStore(env.DOCS, { prefix: vars.STORE_PREFIX });
  const edge = createEdge({
    store,
    originUrl: vars.ORIGIN_URL,
    logger: createLogger("edge", vars.LOG_LEVEL),
    config: edgeConfig(vars),
  });
  cached = { env, edge };
  return edge;
}

export default {
  fetch(request: Request, env: Bindings, ctx: ExecutionContext) {
    const edge = edgeFor(env);
    edge.health.maybeProbe(1000, (p) => ctx.waitUntil(p));
    return edge.app.fetch(request, env, ctx);
  },
};
