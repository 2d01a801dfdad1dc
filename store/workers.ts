import { Redis } from "@upstash/redis/cloudflare";
import type { StoreVars } from "../contract/index.ts";
import { createKvStore } from "./kv/kv-store.ts";
import { limitedKv } from "./kv/limits.ts";
import type { DocumentStore } from "./port.ts";
import { countCommands } from "./redis/counting.ts";
import { createRedisStore } from "./redis/redis-store.ts";

/**
 * The store of a Workers entry: Upstash over REST when configured (writes visible everywhere within
 * a second), else the KV binding for details (up to ~60 s to reach other locations; docs/deployment.md)
 * and the list shards (Durable Objects, the `LISTS` binding) for lists.
 */
export function workersStore(
  vars: StoreVars,
  bindings: { kv: KVNamespace; lists: DurableObjectNamespace },
): DocumentStore {
  if (vars.STORE === "upstash" && vars.UPSTASH_REDIS_REST_URL && vars.UPSTASH_REDIS_REST_TOKEN) {
    const redis = new Redis({
      url: vars.UPSTASH_REDIS_REST_URL,
      token: vars.UPSTASH_REDIS_REST_TOKEN,
      automaticDeserialization: false, // bodies come back byte for byte
    });
    const usage = countCommands(redis); // what Upstash bills: store_operations_total
    return Object.assign(createRedisStore(redis, { prefix: vars.STORE_PREFIX }), {
      usage: () => ({ ...usage }),
    });
  }
  // Counted at the binding, and a write production will refuse (429) counted as a violation: the
  // bill and the limits become metrics (store_operations_total). Counting, not enforcing: the real
  // binding enforces, and this isolate sees only its own writes.
  // The list shards' requests and SQLite rows are counted by the store (shard-lists.ts).
  const { kv: counted, ops } = limitedKv(bindings.kv, { now: Date.now, mode: "count" });
  const store = createKvStore(counted, { prefix: vars.STORE_PREFIX, lists: bindings.lists });
  const shards = store.usage;
  return Object.assign(store, { usage: () => ({ ...ops, ...shards() }) });
}

/** Workers bindings hold strings and objects; env parsing wants the strings. */
export const stringVars = (env: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string")) as Record<string, string>;
