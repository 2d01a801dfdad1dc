import { httpOriginClient } from "../../clients/index.ts";
import { parseEnv, SyncWorkerWorkersEnv } from "../../contract/index.ts";
import { createLogger } from "../../runtime/index.ts";
import { stringVars, workersStore } from "../../store/workers.ts";
import { cloudflareQueue, newQueueUsage, QueueMessage, type QueueUsage } from "../queue/cloudflare.ts";
import type { Delivery } from "../queue/port.ts";
import { createSyncWorker, optionsFromEnv } from "../service.ts";

export { ListShard } from "../../store/kv/list-shard.ts";

/**
 * Cloudflare Workers entry: the same sync-worker with KV (or Upstash) as the store, Cloudflare
 * Queues as the queue (the `queue()` handler settles each message), and a cron trigger for catch-up.
 */
type Bindings = Record<string, unknown> & {
  DOCS: KVNamespace;
  /** The list shards (Durable Objects); this Worker owns the class (wrangler.toml). */
  LISTS: DurableObjectNamespace;
  CHANGES: Queue<QueueMessage>;
  /** Optional second queue for bulk work (see cloudflareQueue): only with an atomic store. */
  CHANGES_BULK?: Queue<QueueMessage>;
};
type Worker = ReturnType<typeof createSyncWorker>;

let cached: { env: Bindings; worker: Worker; usage: QueueUsage } | null = null;

/** One worker per isolate: the L1 of scheduled boundaries and the breaker live across requests. */
function workerFor(env: Bindings): { worker: Worker; usage: QueueUsage } {
  if (cached?.env === env) return cached;
  const vars = parseEnv(SyncWorkerWorkersEnv, stringVars(env));
  const logger = createLogger("sync-worker", vars.LOG_LEVEL);
  // A Worker cannot refuse to start: each token problem is logged by name, and what the token
  // guards answers 503 not_configured (the development defaults are never taken here).
  for (const problem of vars.tokenProblems) logger.error("config.token", { problem });
  const store = workersStore(vars, { kv: env.DOCS, lists: env.LISTS });
  const usage = newQueueUsage();
  const worker = createSyncWorker({
    store,
    queue: cloudflareQueue(env.CHANGES, env.CHANGES_BULK, usage),
    origin: httpOriginClient(vars.ORIGIN_URL, { token: vars.STATE_TOKEN }),
    logger,
    ...optionsFromEnv(vars),
  });
  cached = { env, worker, usage };
  return cached;
}

export default {
  fetch(request: Request, env: Bindings, ctx: ExecutionContext) {
    // The platform sets CF-Connecting-IP, and a client cannot: it is the peer of every limit.
    const peer = () => request.headers.get("cf-connecting-ip") ?? undefined;
    return workerFor(env).worker.app.fetch(request, { peer }, ctx);
  },

  async queue(batch: MessageBatch<unknown>, env: Bindings) {
    const { worker, usage } = workerFor(env);
    usage.reads += batch.messages.length;
    const deliveries: Delivery[] = [];
    for (const message of batch.messages) {
      const parsed = QueueMessage.safeParse(message.body);
      if (parsed.success) deliveries.push({ id: message.id, ...parsed.data, attempts: message.attempts - 1 });
      else {
        message.ack(); // not an event: nothing to rebuild, and retrying cannot fix it
        usage.deletes++;
      }
    }
    const result = await worker.processor.process(deliveries);
    const byId = new Map(batch.messages.map((m) => [m.id, m]));
    for (const id of result.ack) byId.get(id)?.ack();
    usage.deletes += result.ack.length;
    for (const { delivery, delayMs } of result.retry)
      byId.get(delivery.id)?.retry({ delaySeconds: Math.ceil(delayMs / 1000) });
    usage.retries += result.retry.length;
  },

  async scheduled(_controller: ScheduledController, env: Bindings, ctx: ExecutionContext) {
    const { worker } = workerFor(env);
    ctx.waitUntil(worker.catchUp.run({ routine: true }).then(() => worker.catalogue.run()));
  },
};
