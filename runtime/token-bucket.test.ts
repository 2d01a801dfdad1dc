import { describe, expect, it } from "vitest";
import { KeyedBuckets, TokenBucket } from "./token-bucket.ts";

describe("token buckets (driven by a clock the test sets)", () => {
  it("admits the burst at once, then the rate, and says when to come back", () => {
    const b = new TokenBucket({ ratePerSec: 2, burst: 3 }, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.retryAfterS(0)).toBe(1); // half a second for the next token, rounded up to a whole one
    expect(b.take(499)).toBe(false);
    expect(b.take(500)).toBe(true);
    expect(b.has(10_000)).toBe(true);
    // Refill stops at the burst however long it waited.
    expect([b.take(10_000), b.take(10_000), b.take(10_000), b.take(10_000)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it("rounds Retry-After up to whole seconds for a slow rate", () => {
    const b = new TokenBucket({ ratePerSec: 0.2, burst: 1 }, 0);
    b.take(0);
    expect(b.retryAfterS(0)).toBe(5);
  });

  it("keeps a bucket per key, at most maxKeys of them: the least recently used go first", () => {
    const keyed = new KeyedBuckets({ ratePerSec: 1, burst: 1, maxKeys: 2 });
    expect(keyed.bucket("a", 0).take(0)).toBe(true);
    expect(keyed.bucket("a", 0).take(0)).toBe(false); // the same bucket, drained
    keyed.bucket("b", 0);
    keyed.bucket("c", 0); // evicts a
    expect(keyed.size).toBe(2);
    expect(keyed.bucket("a", 0).take(0)).toBe(true); // a new bucket: a global limit must stand behind
  });
});
