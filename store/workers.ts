import { Redis } from "@upstash/redis/cloudflare";
import type { StoreVars } from "../contract/index.ts";
import { createKvStore } from "./kv/kv-store.ts";
import { limitedKv } from "./kv/limits.ts";
import type { DocumentStore } from "./port.ts";
import { countCommands } from "./redis/counting.ts";
import { createRedisStore } from "./redis/redis-store.ts";

/**
 * The store of a Workers entry: Upstash over REST when configured (writes visible everywhere within
 * a second), else the KV binding (up to ~60 s to reach other locations; docs/deployment.md).
 */
export function workersStore(vars: StoreVars, kv: KVNamespace): DocumentStore {
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
  const { kv: counted, ops } = limitedKv(kv, { now: Date.now, mode: "count" });
  return Object.assign(createKvStore(counted, { prefix: vars.STORE_PREFIX }), { usage: () => ({ ...ops }) });
}

/** Workers bindings hold strings and objects; env parsing wants the strings. */
export const stringVars = (env: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string")) as Record<string, string>;
