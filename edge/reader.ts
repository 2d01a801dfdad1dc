import { type DocKey, formatDocKey, type Logger, type OriginClient, ShopListDoc } from "../contract/index.ts";
import type { DocumentStore, StoredDoc } from "../store/port.ts";
import type { EdgeConfig } from "./config.ts";
import { encode, etagOf, type L1, type L1Entry } from "./l1.ts";
import { buildFromOrigin } from "./origin-fallback.ts";
import { STORE_FAILED, StoreReads } from "./store-reads.ts";

export type XCache = "HIT" | "MISS" | "STALE" | "REVALIDATED";
export type Served = { entry: L1Entry; xcache: XCache } | { unavailable: string; retryAfterS: number };

export type ReaderDeps = {
  store: DocumentStore;
  origin: OriginClient;
  /** True while the origin is known to be down (breaker open or health probe failing). */
  originDown: () => boolean;
  l1: L1;
  config: EdgeConfig;
  logger: Logger;
  /** Told how each read was answered and how each origin fetch ended (metrics). */
  onServed?: (result: XCache | "UNAVAILABLE") => void;
  onOriginFetch?: (result: "ok" | "not_found" | "error") => void;
};

const NOT_FOUND_BODY = (what: string) =>
  encode(JSON.stringify({ error: { code: "not_found", message: `${what} not found` } }));
const REVALIDATE_BACKOFF_MS = 10_000;

/**
 * The read path (BRIEF §5): L1 → store → origin fallback, in that order, within time budgets.
 * Concurrent misses for one key share one origin call. A stored document is served as STALE while
 * the origin is down or once it is past the max age (then revalidated in the background); with
 * nothing to serve, the answer is a fast 503, never a hang. Store failures fall through to the L1
 * copy or the origin: a Redis blip is never a 500.
 */
export class Reader {
  private readonly inflight = new Map<string, Promise<L1Entry | null>>();
  private readonly reads: StoreReads;
  private readonly revalidateAfter = new Map<string, number>();
  constructor(private readonly d: ReaderDeps) {
    this.reads = new StoreReads({ store: d.store, budgetMs: d.config.storeBudgetMs, logger: d.logger });
  }

  /**
   * The hot path: a fresh L1 entry, answered synchronously (no promise, no key parsing). Null when
   * the request must take the full path through `read`.
   */
  hit(key: DocKey, k: string): Served | null {
    const now = Date.now();
    const cached = this.d.l1.get(k);
    return cached && cached.freshUntil > now ? this.count(this.serve(key, cached, now, {})) : null;
  }

  async read(
    key: DocKey,
    options: { minVersion?: number; waitUntil?: (p: Promise<unknown>) => void } = {},
  ): Promise<Served> {
    return this.count(await this.resolve(key, options));
  }

  private count(served: Served): Served {
    this.d.onServed?.("unavailable" in served ? "UNAVAILABLE" : served.xcache);
    return served;
  }

  private async resolve(
    key: DocKey,
    options: { minVersion?: number; waitUntil?: (p: Promise<unknown>) => void } = {},
  ): Promise<Served> {
    const k = formatDocKey(key);
    const now = Date.now();
    const { minVersion } = options;
    const cached = this.d.l1.get(k);
    if (cached && cached.freshUntil > now && satisfies(cached, minVersion))
      return this.serve(key, cached, now, options);
    // Expired but unchanged in the store: fresh again, with its bytes, ETag and variants kept.
    if (cached && satisfies(cached, minVersion) && (await this.reads.unchanged(k, cached))) {
      cached.freshUntil = Math.max(cached.freshUntil, Date.now() + this.d.config.l1TtlMs);
      return this.serve(key, cached, Date.now(), options);
    }

    const stored = await this.reads.doc(k);
    // Concurrent misses share one read; the first to resume fills L1 and the others take that entry
    // rather than parse the same (possibly thousands-of-entries) list again.
    const shared = this.d.l1.get(k);
    const fromShared = stored !== STORE_FAILED && stored && shared && shared !== cached ? shared : undefined;
    const candidate =
      fromShared ?? (stored === STORE_FAILED ? cached : stored ? this.remember(k, stored, now) : undefined);
    if (candidate && satisfies(candidate, minVersion)) return this.serve(key, candidate, now, options);

    // While this request waited on the store, another may have fetched the key: check L1 again, or
    // a slow store read would let a second wave of misses through to the origin.
    const filled = this.d.l1.get(k);
    if (filled && filled !== cached && filled.freshUntil > Date.now() && satisfies(filled, minVersion)) {
      return { entry: filled, xcache: "HIT" };
    }

    // Nothing usable stored, or the client asked for a version the store does not have yet.
    try {
      const fresh = await this.fetch(key, k, options.waitUntil);
      if (!fresh) return { entry: this.notFound(k, now), xcache: "MISS" };
      if (satisfies(fresh, minVersion)) return { entry: fresh, xcache: candidate ? "REVALIDATED" : "MISS" };
      return { unavailable: `version ${minVersion} is not available yet`, retryAfterS: 1 };
    } catch (error) {
      this.d.logger.warn("edge.origin_failed", { key: k, error: String(error) });
      // Read-your-writes is never answered with older data; otherwise the last copy beats a 503.
      const fallback = candidate ?? cached;
      if (fallback && minVersion === undefined) return { entry: fallback, xcache: "STALE" };
      return { unavailable: "origin unavailable and no stored copy", retryAfterS: 5 };
    }
  }

  private serve(
    key: DocKey,
    entry: L1Entry,
    now: number,
    options: { waitUntil?: (p: Promise<unknown>) => void },
  ): Served {
    const tooOld = entry.status === 200 && now - entry.builtAtMs > this.d.config.maxAgeMs;
    if (tooOld && !this.d.originDown()) {
      const k = formatDocKey(key);
      // One revalidation per key at a time, and after a failure none for a while: a slow origin
      // must not meet a stampede of retries from every read of an old document.
      if (!this.inflight.has(k) && (this.revalidateAfter.get(k) ?? 0) <= now) {
        const job = this.fetch(key, k, options.waitUntil).catch((e) => {
          this.revalidateAfter.set(k, Date.now() + REVALIDATE_BACKOFF_MS);
          if (this.revalidateAfter.size > 10_000) this.revalidateAfter.clear();
          this.d.logger.warn("edge.revalidate_failed", { key: k, error: String(e) });
        });
        options.waitUntil?.(job);
      }
    }
    return { entry, xcache: tooOld || this.d.originDown() ? "STALE" : "HIT" };
  }

  /** One origin call per key at a time; the result is written through (guarded) and kept in L1. */
  private fetch(key: DocKey, k: string, waitUntil?: (p: Promise<unknown>) => void): Promise<L1Entry | null> {
    const running = this.inflight.get(k);
    if (running) return running;
    const job = (async () => {
      const now = Date.now();
      const built = await buildFromOrigin(this.d.origin, key, now).catch((error) => {
        this.d.onOriginFetch?.("error");
        throw error;
      });
      this.d.onOriginFetch?.(built ? "ok" : "not_found");
      if (!built) return null;
      let mine: L1Entry | null = null;
      for (const b of built) {
        // Write-through is best effort: the answer does not wait for, or fail with, the store. On
        // Workers it must be handed to waitUntil, or it dies with the request. It starts before the
        // L1 fill, so a store that announces writes synchronously (memory) does not evict the entry.
        if (b.store !== false) {
          const write = b.seed
            ? this.d.store.seedList(b.key, b.seed, b.doc.builtAt)
            : this.d.store.put(b.key, b.doc);
          const put = write.catch((e) =>
            this.d.logger.warn("edge.write_through_failed", { key: b.key, error: String(e) }),
          );
          waitUntil?.(put);
        }
        const entry = this.remember(b.key, { key: b.key, ...b.doc }, now, b.parsed);
        if (b.key === k) mine = entry;
      }
      return mine;
    })().finally(() => this.inflight.delete(k));
    this.inflight.set(k, job);
    return job;
  }

  /** Turns a stored document into an L1 entry (tombstones become 404s) and keeps it. */
  private remember(k: string, doc: StoredDoc, now: number, parsed?: unknown): L1Entry {
    const builtAtMs = Date.parse(doc.builtAt);
    // Inside JSON strings quotes are escaped, so this literal can only be the top-level flag.
    const tombstone = k.startsWith("detail:") && doc.body.includes('"deleted":true');
    const entry: L1Entry = tombstone
      ? {
          status: 404,
          bytes: NOT_FOUND_BODY(`shop ${k.slice(7)}`),
          etag: null,
          version: doc.version,
          seq: doc.seq,
          builtAtMs,
          freshUntil: now + this.d.config.l1TtlMs,
        }
      : {
          status: 200,
          bytes: encode(doc.body),
          etag: etagOf(doc.version, doc.seq, builtAtMs),
          version: doc.version,
          seq: doc.seq,
          builtAtMs,
          freshUntil: now + this.d.config.l1TtlMs,
        };
    if (!tombstone && k.startsWith("list:"))
      entry.list = (parsed as ShopListDoc | undefined) ?? ShopListDoc.parse(JSON.parse(doc.body));
    this.d.l1.set(k, entry);
    return entry;
  }

  private notFound(k: string, now: number): L1Entry {
    const entry: L1Entry = {
      status: 404,
      bytes: NOT_FOUND_BODY(`shop ${k.slice(7)}`),
      etag: null,
      version: 0,
      seq: 0,
      builtAtMs: now,
      freshUntil: now + this.d.config.notFoundTtlMs,
    };
    this.d.l1.set(k, entry);
    return entry;
  }
}

const satisfies = (e: L1Entry, minVersion: number | undefined) =>
  minVersion === undefined || e.version >= minVersion;
