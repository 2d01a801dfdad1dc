import { LRUCache } from "lru-cache";
import { KeyedBuckets, TokenBucket } from "../runtime/index.ts";

export type GateConfig = {
  /** Origin calls a second this process may make for public reads, and at once. */
  ratePerSec: number;
  burst: number;
  /** The same per client (its address): misses only; a hit never meets a limit. */
  clientRatePerSec: number;
  clientBurst: number;
  /** At most one read-your-writes check per key in this interval. */
  minVersionIntervalMs: number;
};

export type Admission = { ok: true } | { ok: false; retryAfterS: number; reason: "rate" | "client" };

/**
 * What stands between a public read and the origin: a token bucket for the process and one per
 * client, and a pace for `X-Min-Version` checks. A refusal is answered at once (the stored copy as
 * STALE, else 503 with `Retry-After`), never queued: a queue would turn a flood into a hang.
 */
export class FallbackGate {
  private readonly process: TokenBucket;
  private readonly clients: KeyedBuckets;
  /** When each key's last read-your-writes check ended. */
  private readonly checked = new LRUCache<string, number>({ max: 50_000 });

  constructor(private readonly o: GateConfig & { now?: () => number }) {
    this.process = new TokenBucket({ ratePerSec: o.ratePerSec, burst: o.burst }, this.now());
    this.clients = new KeyedBuckets({ ratePerSec: o.clientRatePerSec, burst: o.clientBurst });
  }

  /** One origin call for `client` (none: the edge's own background work), or why not. */
  admit(client: string | undefined): Admission {
    const now = this.now();
    const own = client === undefined ? null : this.clients.bucket(client, now);
    // The client's bucket first: one client past its share must not drain the process's.
    if (own && !own.has(now)) return { ok: false, retryAfterS: own.retryAfterS(now), reason: "client" };
    if (!this.process.take(now))
      return { ok: false, retryAfterS: this.process.retryAfterS(now), reason: "rate" };
    own?.take(now);
    return { ok: true };
  }

  /** Whether a read-your-writes check of `key` ended less than the interval ago. */
  checkedRecently(key: string): boolean {
    const at = this.checked.get(key);
    return at !== undefined && this.now() - at < this.o.minVersionIntervalMs;
  }

  markChecked(key: string): void {
    this.checked.set(key, this.now());
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }
}
