import type { OriginClient } from "../clients/index.ts";
import { type DocKey, formatDocKey } from "../contract/index.ts";
import type { Logger } from "../runtime/index.ts";
import type { ServedStore } from "../store/port.ts";
import type { EdgeCatalogue } from "./catalogue.ts";
import type { EdgeConfig } from "./config.ts";
import type { FallbackGate } from "./fallback-gate.ts";
import type { L1, L1Entry } from "./l1.ts";
import { L1Entries } from "./l1-entries.ts";
import { OriginReads } from "./origin-reads.ts";
import { STORE_FAILED, StoreReads } from "./store-reads.ts";

/** BEHIND: the newest copy there is, older than the `X-Min-Version` asked (the origin has no newer yet). */
export type XCache = "HIT" | "MISS" | "STALE" | "REVALIDATED" | "BEHIND";
export type Served = { entry: L1Entry; xcache: XCache } | { unavailable: string; retryAfterS: number };
export type ReadOptions = {
  minVersion?: number;
  waitUntil?: (p: Promise<unknown>) => void;
  /** The client's address: asked only when a read reaches the origin gate. */
  client?: () => string | undefined;
};

export type ReaderDeps = {
  store: ServedStore;
  origin: OriginClient;
  /** True while the origin is known to be down (breaker open or health probe failing). */
  originDown: () => boolean;
  l1: L1;
  catalogue: EdgeCatalogue;
  gate: FallbackGate;
  config: EdgeConfig;
  logger: Logger;
  now?: () => number;
  /** Told how each read was answered, how each origin fetch ended and why one was refused (metrics). */
  onServed?: (result: XCache | "UNAVAILABLE") => void;
  onOriginFetch?: (result: "ok" | "not_found" | "error") => void;
  onRefused?: (reason: "catalogue" | "rate" | "client") => void;
};

const subject = (key: DocKey): ["shop" | "region", string] =>
  key.kind === "detail" ? ["shop", key.shopId] : ["region", key.region];

/**
 * The read path, one straight line: L1 → store → catalogue → gate → origin. Each step either
 * answers or passes on what it learnt (the newest copy seen, whether the name exists):
 * - L1 answers a fresh entry (`hit` does it without a promise, for the fast path);
 * - the store answers its copy (a stored copy is served STALE while the origin is down);
 * - the catalogue answers 404 for a shop or region the origin does not have, with no origin call;
 * - the gate refuses past the process's and the client's rate: the copy seen as STALE, else a fast
 *   503 with `Retry-After`;
 * - the origin answers within what is left of the budget; concurrent misses of a key share one call.
 */
export class Reader {
  private readonly reads: StoreReads;
  private readonly entries: L1Entries;
  private readonly origin: OriginReads;
  constructor(private readonly d: ReaderDeps) {
    this.reads = new StoreReads({ store: d.store, budgetMs: d.config.storeBudgetMs, logger: d.logger });
    this.entries = new L1Entries(d.l1, d.config);
    this.origin = new OriginReads({ ...d, entries: this.entries });
  }

  /** The hot path: a fresh L1 entry, answered synchronously; null when the request needs `read`. */
  hit(key: DocKey, k: string): Served | null {
    const now = this.now();
    const cached = this.d.l1.get(k);
    return cached && cached.freshUntil > now ? this.count(this.serve(key, cached, now, {})) : null;
  }

  async read(key: DocKey, options: ReadOptions = {}): Promise<Served> {
    return this.count(await this.resolve(key, options));
  }

  private count(served: Served): Served {
    this.d.onServed?.("unavailable" in served ? "UNAVAILABLE" : served.xcache);
    return served;
  }

  private async resolve(key: DocKey, options: ReadOptions): Promise<Served> {
    const arrived = this.now();
    const k = formatDocKey(key);
    const { minVersion } = options;
    const ok = (e: L1Entry | undefined): e is L1Entry =>
      !!e && (minVersion === undefined || e.version >= minVersion);

    // 1. L1.
    const cached = this.d.l1.get(k);
    if (ok(cached) && cached.freshUntil > arrived) return this.serve(key, cached, arrived, options);

    // 2. The store. An expired L1 entry the store still holds unchanged is fresh again as it is.
    if (ok(cached) && (await this.reads.unchanged(k, cached))) {
      cached.freshUntil = Math.max(cached.freshUntil, this.now() + this.d.config.l1TtlMs);
      return this.serve(key, cached, this.now(), options);
    }
    const candidate = await this.stored(k, cached, arrived);
    if (ok(candidate)) return this.serve(key, candidate, arrived, options);
    // While this request waited on the store another may have fetched the key: a slow store read
    // must not let a second wave of misses through to the origin.
    const filled = this.d.l1.get(k);
    if (ok(filled) && filled !== cached && filled.freshUntil > this.now())
      return { entry: filled, xcache: "HIT" };

    // 3. The catalogue, for a name with nothing stored.
    const [kind, name] = subject(key);
    const verdict = candidate ? "known" : await this.d.catalogue.verdict(kind, name);
    if (verdict === "unknown") {
      this.d.onRefused?.("catalogue");
      return { entry: this.entries.notFound(k, kind, name, this.now()), xcache: "MISS" };
    }

    // 4. The gate, and 5. the origin.
    const last = candidate ?? cached;
    const answer = await this.origin.read(key, k, {
      ...options,
      arrived,
      // A list is written through only for a region the catalogue has (a client may make one up).
      writeLists: verdict === "known",
    });
    if ("entry" in answer) {
      if (answer.entry === null)
        return { entry: this.entries.notFound(k, kind, name, this.now()), xcache: "MISS" };
      if (ok(answer.entry)) return { entry: answer.entry, xcache: candidate ? "REVALIDATED" : "MISS" };
      return { entry: answer.entry, xcache: "BEHIND" };
    }
    // Refused or failed: the last copy beats a 503, marked for what it is.
    if (last) return { entry: last, xcache: minVersion === undefined ? "STALE" : "BEHIND" };
    return { unavailable: answer.unavailable, retryAfterS: answer.retryAfterS };
  }

  /** The store's copy as an L1 entry; on a store failure, L1's expired one. */
  private async stored(k: string, cached: L1Entry | undefined, now: number): Promise<L1Entry | undefined> {
    const stored = await this.reads.doc(k);
    if (stored === STORE_FAILED) return cached;
    if (!stored) return undefined;
    // Concurrent misses share one store read; the first to resume fills L1 and the others take that
    // entry rather than parse the same (possibly thousands-of-entries) list again.
    const shared = this.d.l1.get(k);
    return shared && shared !== cached ? shared : this.entries.remember(k, stored, now);
  }

  private serve(key: DocKey, entry: L1Entry, now: number, options: ReadOptions): Served {
    const tooOld = entry.status === 200 && now - entry.builtAtMs > this.d.config.maxAgeMs;
    if (tooOld && !this.d.originDown())
      this.origin.revalidate(key, formatDocKey(key), now, options.waitUntil);
    return { entry, xcache: tooOld || this.d.originDown() ? "STALE" : "HIT" };
  }

  private now(): number {
    return (this.d.now ?? Date.now)();
  }
}
