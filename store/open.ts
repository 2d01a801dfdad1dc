import { Redis } from "@upstash/redis";
import { ConfigError, type StoreVars } from "../contract/index.ts";
import { createMemoryStore } from "./memory/memory-store.ts";
import type { DocumentStore } from "./port.ts";
import { type CommandUsage, countCommands, countingRequester } from "./redis/counting.ts";
import { createRedisStore } from "./redis/redis-store.ts";
import { connectRedisRequester, RawRedis } from "./redis/tcp.ts";

/**
 * Builds the configured store on a server runtime (Node, Bun, Deno). The Workers entry builds the KV
 * store from its binding instead.
 */
export async function openStore(env: StoreVars): Promise<DocumentStore> {
  switch (env.STORE) {
    case "kv":
      throw new ConfigError("STORE=kv is for the Workers entries (wrangler.toml binds the KV namespace)");
    case "memory":
      return createMemoryStore({ maxBytes: env.MEMORY_STORE_MB * 1024 * 1024 });
    case "redis": {
      const requester = await connectRedisRequester(env.REDIS_URL);
      const usage: CommandUsage = { commands: 0, bytesSent: 0 };
      const store = createRedisStore(new RawRedis(countingRequester(requester, usage)), {
        prefix: env.STORE_PREFIX,
        close: requester.close,
        subscribe: requester.subscribe,
      });
      return Object.assign(store, { usage: () => ({ ...usage }) });
    }
    case "upstash": {
      if (!env.UPSTASH_REDIS_REST_URL || !env.UPSTASH_REDIS_REST_TOKEN) {
        throw new ConfigError("STORE=upstash needs UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN");
      }
      const redis = new Redis({
        url: env.UPSTASH_REDIS_REST_URL,
        token: env.UPSTASH_REDIS_REST_TOKEN,
        automaticDeserialization: false, // bodies come back byte for byte
        enableTelemetry: false,
      });
      const usage = countCommands(redis);
      return Object.assign(createRedisStore(redis, { prefix: env.STORE_PREFIX }), {
        usage: () => ({ ...usage }),
      });
    }
  }
}
