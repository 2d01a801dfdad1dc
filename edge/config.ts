import { type EdgeEnv, parseTrustProxy, type TrustProxy } from "../contract/index.ts";
import type { GateConfig } from "./fallback-gate.ts";
import type { Compress } from "./http/encoding.ts";

/** The edge's read policy, in one place (bentocache style: the store adapters hold none of it). */
export type EdgeConfig = {
  l1Bytes: number;
  l1TtlMs: number;
  originBudgetMs: number;
  storeBudgetMs: number;
  maxAgeMs: number;
  notFoundTtlMs: number;
  /** How long a list version a cursor names is kept, so paging through it stays on one version. */
  cursorRetainMs: number;
  /** Cache-Control for documents, built once: RFC 9111 max-age, RFC 5861 stale-while-revalidate / stale-if-error. */
  cacheControl: string;
  /** What public reads may ask of the origin (fallback-gate.ts). */
  gate: GateConfig;
  /** Search indexes' byte budget, and each query's typo-pass budget in edit-distance cells. */
  searchBytes: number;
  searchTypoCells: number;
  /** br / gzip for clients that accept them; null where the platform compresses (Workers) or EDGE_COMPRESS=off. */
  compress: Compress | null;
  /** Proxies whose client-address headers are believed (TRUST_PROXY), for the per-client miss limit. */
  trustProxy: TrustProxy;
};

export function edgeConfig(env: Partial<EdgeEnv> = {}, compress: Compress | null = null): EdgeConfig {
  const l1TtlMs = env.EDGE_L1_TTL_MS ?? 500;
  return {
    l1Bytes: (env.EDGE_L1_MB ?? 64) * 1024 * 1024,
    l1TtlMs,
    originBudgetMs: env.EDGE_ORIGIN_BUDGET_MS ?? 500,
    storeBudgetMs: env.EDGE_STORE_BUDGET_MS ?? 150,
    maxAgeMs: (env.EDGE_MAX_AGE_S ?? 300) * 1000,
    notFoundTtlMs: (env.EDGE_NOT_FOUND_TTL_S ?? 5) * 1000,
    cursorRetainMs: (env.EDGE_CURSOR_RETAIN_S ?? 600) * 1000,
    gate: {
      ratePerSec: env.EDGE_FALLBACK_RATE ?? 50,
      burst: env.EDGE_FALLBACK_BURST ?? 100,
      clientRatePerSec: env.EDGE_CLIENT_MISS_RATE ?? 10,
      clientBurst: env.EDGE_CLIENT_MISS_BURST ?? 40,
      minVersionIntervalMs: env.EDGE_MIN_VERSION_INTERVAL_MS ?? 250,
    },
    searchBytes: (env.EDGE_SEARCH_MB ?? 128) * 1024 * 1024,
    searchTypoCells: env.EDGE_SEARCH_TYPO_CELLS ?? 2_000_000,
    compress: env.EDGE_COMPRESS === "off" ? null : compress,
    trustProxy: parseTrustProxy(env.TRUST_PROXY ?? ""),
    cacheControl: `public, max-age=${Math.max(1, Math.round(l1TtlMs / 1000))}, stale-while-revalidate=${env.EDGE_SWR_S ?? 30}, stale-if-error=${env.EDGE_SIE_S ?? 86_400}`,
  };
}
