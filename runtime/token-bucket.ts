import { LRUCache } from "lru-cache";

/**
 * Token buckets: `ratePerSec` sustained, `burst` at once, time from an injected clock (ms). In
 * memory and per process, so N processes admit N times the rate.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;
  constructor(
    private readonly o: { ratePerSec: number; burst: number },
    now: number,
  ) {
    this.tokens = o.burst;
    this.at = now;
  }

  private refill(now: number): void {
    this.tokens = Math.min(
      this.o.burst,
      this.tokens + (Math.max(0, now - this.at) / 1000) * this.o.ratePerSec,
    );
    this.at = now;
  }

  /** Whether a token is there now (none is taken). */
  has(now: number): boolean {
    this.refill(now);
    return this.tokens >= 1;
  }

  /** Takes a token when one is there. */
  take(now: number): boolean {
    if (!this.has(now)) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole seconds until a token is there (at least 1): a `Retry-After` value. */
  retryAfterS(now: number): number {
    this.refill(now);
    return Math.max(1, Math.ceil((1 - this.tokens) / this.o.ratePerSec));
  }
}

/**
 * A bucket per key (a client address), at most `maxKeys` of them: the least recently used goes
 * first, so churning keys costs memory up to the bound and no more — and an evicted key's next
 * request starts from a full bucket, which a global limit behind this one must cover.
 */
export class KeyedBuckets {
  private readonly buckets: LRUCache<string, TokenBucket>;
  constructor(private readonly o: { ratePerSec: number; burst: number; maxKeys?: number }) {
    this.buckets = new LRUCache({ max: o.maxKeys ?? 10_000 });
  }

  bucket(key: string, now: number): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.o, now);
      this.buckets.set(key, b);
    }
    return b;
  }

  get size(): number {
    return this.buckets.size;
  }
}
