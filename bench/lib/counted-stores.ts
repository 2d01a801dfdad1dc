import { createKvStore } from "../../store/kv/kv-store.ts";
import { limitedKv } from "../../store/kv/limits.ts";
import type { Clock } from "../../store/kv/paced.ts";
import { openWorkerdKv } from "../../store/kv/workerd-kv.ts";
import type { DocumentStore } from "../../store/port.ts";
import { countingRequester } from "../../store/redis/counting.ts";
import { createRedisStore } from "../../store/redis/redis-store.ts";
import { connectRedisRequester, RawRedis } from "../../store/redis/tcp.ts";

/** A store whose billed operations are counted where the provider counts them. */
export type Counted = {
  store: DocumentStore;
  /** The counters now: every billed operation of the backend. */
  ops(): Record<string, number>;
  priced: "kv" | "upstash";
  close(): Promise<void>;
};

/**
 * The KV store over workerd's KV and list shards, through production's limits on the given clock
 * (counting mode, so a violation is counted, not thrown); the store paces its writes on that clock.
 */
export async function countedKv(clock: Clock, prefix: string): Promise<Counted> {
  const workerd = await openWorkerdKv();
  const { kv, ops } = limitedKv(workerd.kv, { now: clock.now, mode: "count" });
  const store = createKvStore(kv, { prefix, lists: workerd.lists, clock });
  return {
    store,
    ops: () => ({ ...ops, ...store.usage() }),
    priced: "kv",
    close: workerd.dispose,
  };
}

/**
 * The Redis store as Upstash runs it (one REST request per command, pipeline or transaction), over a
 * local Redis: commands are what pay-as-you-go bills, each command of a pipeline counted.
 */
export async function countedRedis(url: string, prefix: string): Promise<Counted> {
  const inner = await connectRedisRequester(url);
  const ops = { commands: 0, bytesSent: 0 };
  const store = createRedisStore(new RawRedis(countingRequester(inner, ops)), { prefix });
  return {
    store,
    ops: () => ({ ...ops }),
    priced: "upstash",
    async close() {
      await store.purgeAll({ deadLetters: true });
      await inner.close();
    },
  };
}
