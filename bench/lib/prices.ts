/**
 * List prices the cost benches quote, with where and when they were read. Prices change: check the
 * source before you budget. Each is per unit of the counter of the same name (bench/lib/counted-stores.ts).
 */
export type Price = { source: string; perUnit: Record<string, number> };
const M = 1_000_000;

export const PRICES: Record<"kv" | "upstash", Price> = {
  kv: {
    source:
      "Workers Paid: KV reads $0.50/M, writes, deletes and lists $5.00/M (developers.cloudflare.com/kv/platform/pricing); Durable Objects requests $0.15/M, SQLite rows read $0.001/M, rows written $1.00/M (developers.cloudflare.com/durable-objects/platform/pricing); stored copies read 2026-12-06, monthly inclusions left out",
    perUnit: {
      reads: 0.5 / M,
      writes: 5 / M,
      deletes: 5 / M,
      lists: 5 / M,
      // Durable Objects (developers.cloudflare.com/durable-objects/platform/pricing, stored copy read
      // 2026-12-06): requests $0.15/M. SQLite rows read $0.001/M and written $1.00/M are D1's row
      // prices, which SQLite-backed objects bill since 2026-01-07 — the stored copy showed only the
      // compute table, so confirm them before budgeting. Duration ($12.50 per million GB-s) is not a
      // counter: docs/deployment.md estimates it.
      do_requests: 0.15 / M,
      do_rows_read: 0.001 / M,
      do_rows_written: 1 / M,
    },
  },
  upstash: {
    source:
      "Upstash Redis pay-as-you-go: $0.20 per 100K commands, bandwidth free up to 200 GB a month (upstash.com/pricing/redis, as transcribed 2026-09-20 and 2026-11-09; read 2026-12-06)",
    perUnit: { commands: 0.2 / 100_000 },
  },
};

const SECONDS_A_MONTH = 30 * 86_400;

/** Dollars a month for `perSecond` events that each cost `perEvent` of the counters. */
export function monthly(price: Price, perEvent: Record<string, number>, perSecond: number): number {
  let dollars = 0;
  for (const [name, n] of Object.entries(perEvent)) dollars += n * (price.perUnit[name] ?? 0);
  return dollars * perSecond * SECONDS_A_MONTH;
}
