import { LRUCache } from "lru-cache";
import type { OriginClient } from "../clients/index.ts";
import type { DocKey } from "../contract/index.ts";
import type { Logger } from "../runtime/index.ts";
import type { ServedStore } from "../store/port.ts";
import type { EdgeConfig } from "./config.ts";
import { withDeadline } from "./deadline.ts";
import type { FallbackGate } from "./fallback-gate.ts";
import type { L1Entry } from "./l1.ts";
import type { L1Entries } from "./l1-entries.ts";
import { type Built, buildFromOrigin } from "./origin-fallback.ts";

type WaitUntil = ((p: Promise<unknown>) => void) | undefined;
export type OriginAnswer = { entry: L1Entry | null } | { unavailable: string; retryAfterS: number };

const REVALIDATE_BACKOFF_MS = 10_000;

/**
 * The edge's calls to the origin, behind the gate: one per key at a time (later misses of the key
 * join it without a token), each answered within what is left of the request's budget — counted
 * from its arrival, not from when a call slot came free — and written through to the store.
 */
export class OriginReads {
  private readonly inflight = new Map<string, Promise<L1Entry | null>>();
  private readonly revalidateAfter = new LRUCache<string, number>({ max: 10_000 });
  constructor(
    private readonly d: {
      origin: OriginClient;
      store: ServedStore;
      gate: FallbackGate;
      entries: L1Entries;
      config: EdgeConfig;
      logger: Logger;
      now?: () => number;
      onOriginFetch?: (result: "ok" | "not_found" | "error") => void;
      onRefused?: (reason: "rate" | "client") => void;
    },
  ) {}

  async read(
    key: DocKey,
    k: string,
    o: {
      arrived: number;
      writeLists: boolean;
      minVersion?: number;
      waitUntil?: WaitUntil;
      client?: () => string | undefined;
    },
  ): Promise<OriginAnswer> {
    if (!this.inflight.has(k)) {
      // Read-your-writes asks the origin at most once per key and interval, whoever asks.
      if (o.minVersion !== undefined && this.d.gate.checkedRecently(k))
        return { unavailable: `version ${o.minVersion} is not available yet`, retryAfterS: 1 };
      const admitted = this.d.gate.admit(o.client?.());
      if (!admitted.ok) {
        this.d.onRefused?.(admitted.reason);
        return {
          unavailable: "too many reads reach the origin; try again shortly",
          retryAfterS: admitted.retryAfterS,
        };
      }
    }
    const call = this.fetch(key, k, o.waitUntil, o.writeLists);
    // Paced from when the check ends, whatever its outcome (a plain miss's fetch does not count).
    if (o.minVersion !== undefined) {
      const mark = () => this.d.gate.markChecked(k);
      call.then(mark, mark);
    }
    try {
      const left = this.d.config.originBudgetMs - (this.now() - o.arrived);
      return { entry: await withDeadline(call, left) };
    } catch (error) {
      this.d.logger.warn("edge.origin_failed", { key: k, error: String(error) });
      return { unavailable: "origin unavailable and no stored copy", retryAfterS: 5 };
    }
  }

  /**
   * A document past its max age is fetched again in the background: one at a time per key, none
   * for a while after a failure, and only with a token to spare — a slow origin must not meet a
   * stampede of retries from every read of an old document.
   */
  revalidate(key: DocKey, k: string, now: number, waitUntil: WaitUntil): void {
    if (this.inflight.has(k) || (this.revalidateAfter.get(k) ?? 0) > now) return;
    if (!this.d.gate.admit(undefined).ok) return;
    const job = this.fetch(key, k, waitUntil, true, true).catch((e) => {
      this.revalidateAfter.set(k, this.now() + REVALIDATE_BACKOFF_MS);
      this.d.logger.warn("edge.revalidate_failed", { key: k, error: String(e) });
    });
    waitUntil?.(job);
  }

  /**
   * One origin call per key at a time; the result is written through (guarded) and kept in L1. A
   * revalidation (`rewrite`) writes even an unchanged document: renewing its age is its purpose.
   */
  private fetch(
    key: DocKey,
    k: string,
    waitUntil: WaitUntil,
    writeLists: boolean,
    rewrite = false,
  ): Promise<L1Entry | null> {
    const running = this.inflight.get(k);
    if (running) return running;
    const job = (async () => {
      const now = this.now();
      const built = await buildFromOrigin(this.d.origin, key, now).catch((error) => {
        this.d.onOriginFetch?.("error");
        throw error;
      });
      this.d.onOriginFetch?.(built ? "ok" : "not_found");
      if (!built) return null;
      // A region the catalogue lacks yet is still real when the origin has shops there (an edge
      // before the first build, or without a sync-worker); a made-up one has none.
      const listsOk = writeLists || built.some((b) => (b.seed?.length ?? 0) > 0);
      let mine: L1Entry | null = null;
      for (const b of built) {
        // Write-through is best effort: the answer does not wait for, or fail with, the store. On
        // Workers it must be handed to waitUntil, or it dies with the request. It starts before the
        // L1 fill, so a store that announces writes synchronously (memory) does not evict the entry.
        const write = this.writeThrough(b, listsOk, rewrite);
        if (write) {
          const put = write.catch((e) =>
            this.d.logger.warn("edge.write_through_failed", { key: b.key, error: String(e) }),
          );
          waitUntil?.(put);
        }
        const entry = this.d.entries.remember(b.key, { key: b.key, ...b.doc }, now, b.parsed);
        if (b.key === k) mine = entry;
      }
      return mine;
    })().finally(() => this.inflight.delete(k));
    this.inflight.set(k, job);
    return job;
  }

  /** A detail is a guarded put; a list is seeded where none exists, and only for a known region. */
  private writeThrough(b: Built, writeLists: boolean, rewrite: boolean): Promise<unknown> | null {
    if (b.store === false) return null;
    if (b.seed) return writeLists ? this.d.store.seedList(b.key, b.seed, b.doc.builtAt) : null;
    return this.d.store.put(b.key, b.doc, { rewrite });
  }

  private now(): number {
    return (this.d.now ?? Date.now)();
  }
}
