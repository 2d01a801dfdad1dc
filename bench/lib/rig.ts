import { httpOriginClient, type OriginClient } from "../../clients/index.ts";
import { createLogger } from "../../runtime/index.ts";
import { nodeServe } from "../../runtime/node.ts";
import { createMemoryStore } from "../../store/memory/memory-store.ts";
import type { DocumentStore } from "../../store/port.ts";
import { createRedisStore } from "../../store/redis/redis-store.ts";
import { connectRedisRequester, RawRedis } from "../../store/redis/tcp.ts";
import { createMemoryQueue } from "../../sync-worker/queue/memory.ts";
import { createSyncWorker, type SyncWorkerOptions } from "../../sync-worker/service.ts";
import { freePort } from "../../tests/event-receiver.ts";
import { startService } from "../../tests/process.ts";
import { TOKENS } from "../../tests/stack.ts";
import { openThrowawayPostgres } from "../../tests/throwaway-postgres.ts";

export type RigOptions = {
  shops: number;
  regions: number;
  db: "postgres" | "postgres-async";
  store: "memory" | "redis";
  urls: { postgres: string; redis: string };
  /** Wraps the sync-worker's HTTP handler (the lag bench notes event arrivals). */
  wrapFetch?: (f: (req: Request) => Response | Promise<Response>) => (req: Request) => Promise<Response>;
  sync?: Partial<SyncWorkerOptions>;
};
/** The servers a bench runs against: DATABASE_URL's PostgreSQL (throw-away databases) and REDIS_URL. */
export const benchUrls = () => ({
  postgres: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  redis: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
});
export const pad = (n: number) => String(n).padStart(6, "0");
/** A demo chunk's menus or ads by shop id, in one pass. */
export function byShop<T extends { shopId: string }>(xs: T[]): Map<string, T[]> {
  const by = new Map<string, T[]>();
  for (const x of xs) {
    const list = by.get(x.shopId);
    if (list) list.push(x);
    else by.set(x.shopId, [x]);
  }
  return by;
}
export const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor(p * s.length))] as number) : Number.NaN;
};

/** A client that counts the state calls the sync-worker makes, by method. */
function counting(client: OriginClient) {
  const calls = new Map<string, number>();
  const wrapped = Object.fromEntries(
    Object.entries(client).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as OriginClient;
  return { wrapped, calls };
}

async function openStore(
  kind: RigOptions["store"],
  redisUrl: string,
  prefix: string,
): Promise<DocumentStore> {
  // The default budget (256 MB) holds 100,000 packed details (~1.1 KB each as held).
  if (kind === "memory") return createMemoryStore();
  const requester = await connectRedisRequester(redisUrl);
  return createRedisStore(new RawRedis(requester), {
    prefix,
    close: requester.close,
    subscribe: requester.subscribe,
  });
}

/**
 * The whole pipeline at one catalogue size, as the benches run it: a throw-away PostgreSQL database
 * seeded with the national demo shape, the origin as its own process (its own core and event loop,
 * as in production), the sync-worker here beside the store it writes, so each write is seen the
 * moment it lands. `build()` starts the sync-worker as a first start does (catch-up builds the
 * catalogue in the bulk lane) and answers how long until every detail was written.
 */
export async function startRig(o: RigOptions) {
  const db = await openThrowawayPostgres(o.urls.postgres, { max: 4, asyncCommit: o.db === "postgres-async" });
  // Other processes (a Bun edge) can open the same Redis store with this prefix.
  const prefix = `ec-bench-${process.pid}-${Date.now()}`;
  const store = await openStore(o.store, o.urls.redis, prefix);
  const originPort = await freePort();
  const { wrapped, calls } = counting(
    httpOriginClient(`http://127.0.0.1:${originPort}`, { token: TOKENS.state }),
  );
  const sync = createSyncWorker({
    store,
    queue: createMemoryQueue(),
    origin: wrapped,
    logger: createLogger("bench", "warn"),
    tokens: TOKENS,
    batchSize: 100,
    ...o.sync,
  });
  const syncServer = await nodeServe(
    o.wrapFetch ? o.wrapFetch(sync.app.fetch) : sync.app.fetch,
    "127.0.0.1",
    0,
  );
  // The origin seeds its own catalogue before it answers (as `npm start` does): generating and
  // inserting 100,000 shops is not the sync-worker's work, so it must not be in this process's RSS.
  const seedStarted = performance.now();
  const origin = await startService(
    "origin/entry/node.ts",
    {
      DATABASE_URL: db.url,
      SYNC_URL: `http://127.0.0.1:${syncServer.port}`,
      EVENTS_TOKEN: TOKENS.events,
      STATE_TOKEN: TOKENS.state,
      DEMO_SHOPS: String(o.shops),
      DEMO_REGIONS: String(o.regions),
      DEMO_SEED: "11",
      LOG_LEVEL: "warn",
    },
    originPort,
    600_000,
    "node",
    // BENCH_ORIGIN_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": profile the origin's process too.
    process.env.BENCH_ORIGIN_NODE_ARGS?.split(" ").filter(Boolean) ?? [],
  );
  const seedS = (performance.now() - seedStarted) / 1000; // with the origin's own start (~1 s)
  return {
    db,
    store,
    sync,
    calls,
    seedS,
    prefix,
    originUrl: origin.url,
    /** First start: catch-up queues the catalogue, the bulk lane builds it. Seconds until all details. */
    async build(): Promise<number> {
      const started = performance.now();
      sync.start(0);
      while ((await store.countDocuments()).detail < o.shops) await new Promise((r) => setTimeout(r, 1000));
      return (performance.now() - started) / 1000;
    },
    /** After bulk writes: vacuum and checkpoint now rather than in a measured window. */
    async settle() {
      await db.query("VACUUM ANALYZE");
      await db.query("CHECKPOINT");
      await new Promise((r) => setTimeout(r, 1000));
    },
    async stop() {
      await origin.stop();
      if (o.store === "redis") await store.purgeAll({ deadLetters: true });
      await sync.stop(); // closes the store too
      await syncServer.close();
      await db.close();
    },
  };
}
export type Rig = Awaited<ReturnType<typeof startRig>>;
