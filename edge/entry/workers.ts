import { EdgeWorkersEnv, parseEnv } from "../../contract/index.ts";
import { createLogger } from "../../runtime/index.ts";
import { stringVars, workersStore } from "../../store/workers.ts";
import { edgeConfig } from "../config.ts";
import { createEdge } from "../service.ts";

// The list shards' class, so a Worker that runs the edge alone (a test, `wrangler dev`) can host it;
// in a deployment the sync-worker owns it and the edge binds it by script_name (wrangler.toml).
export { ListShard } from "../../store/kv/list-shard.ts";

/**
 * Cloudflare Workers entry: the same edge over Workers KV (or Upstash, for 1 s freshness across
 * locations). Built on the first request of an isolate — workerd forbids timers and random values
 * in global scope — and kept for the isolate's life, so the L1 and the breaker carry across requests.
 */
type Bindings = Record<string, unknown> & { DOCS: KVNamespace; LISTS: DurableObjectNamespace };
let cached: { env: Bindings; edge: ReturnType<typeof createEdge> } | null = null;

function edgeFor(env: Bindings) {
  if (cached?.env === env) return cached.edge;
  const vars = parseEnv(EdgeWorkersEnv, stringVars(env));
  const logger = createLogger("edge", vars.LOG_LEVEL);
  // A Worker cannot refuse to start: a missing or weak secret is logged (by name) and what it
  // guards stays closed — origin fallbacks are refused by the origin, /metrics answers 503.
  for (const problem of vars.tokenProblems) logger.error("config.token", { problem });
  const edge = createEdge({
    store: workersStore(vars, { kv: env.DOCS, lists: env.LISTS }),
    originUrl: vars.ORIGIN_URL,
    stateToken: vars.STATE_TOKEN,
    metricsToken: vars.METRICS_TOKEN,
    logger,
    config: edgeConfig(vars),
  });
  cached = { env, edge };
  return edge;
}

export default {
  fetch(request: Request, env: Bindings, ctx: ExecutionContext) {
    const edge = edgeFor(env);
    edge.health.maybeProbe(1000, (p) => ctx.waitUntil(p));
    // Hono's env carries waitUntil and the client's address to the handlers (see edge/http/app.ts);
    // the platform sets CF-Connecting-IP, and a client cannot.
    return edge.app.fetch(
      request,
      {
        waitUntil: (p: Promise<unknown>) => ctx.waitUntil(p),
        peer: () => request.headers.get("cf-connecting-ip") ?? undefined,
      },
      ctx,
    );
  },
};
