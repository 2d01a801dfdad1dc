import type { ServedStore } from "./port.ts";

/**
 * What the store's backend bills, as it counts it, for a metrics registry: one series per operation
 * (`store_operations_total{op="writes"}`, …). KV counts at the binding (kv/limits.ts, counting mode:
 * `violations` are writes production refuses with 429 as this isolate sees them); Redis and Upstash
 * count commands at the client (redis/counting.ts). Left out (null) for the memory store.
 */
export const STORE_USAGE_HELP =
  "Billed store operations by kind, counted at the client (KV: reads, writes, deletes, lists, bytesWritten, violations; Redis and Upstash: commands, bytesSent)";

export function usageSeries(
  source: Pick<ServedStore, "usage">, // a store, or a queue (sync-worker/queue/port.ts)
): () => [Record<string, string>, number][] | null {
  return () => {
    const usage = source.usage?.();
    return usage ? Object.entries(usage).map(([op, n]) => [{ op }, n]) : null;
  };
}
