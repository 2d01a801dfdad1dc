import pLimit from "p-limit";
import { type OriginClient, OriginError } from "./origin-client.ts";

export type OriginPolicyOptions = {
  timeoutMs?: number;
  attempts?: number;
  concurrency?: number;
  breakAfter?: number;
  halfOpenAfterMs?: number;
  /**
   * Told each attempt's duration (ms, from the call leaving to its answer, not the wait for a slot)
   * and outcome: the metrics' origin-request histogram, so an operator sees whether lag is the origin.
   */
  onAttempt?: (call: OriginCall, ms: number, ok: boolean) => void;
  /** The breaker's clock (when it opened, when to try again); Date.now unless a test drives it. */
  now?: () => number;
};
export type OriginCall = keyof OriginClient;

export type BreakerState = "closed" | "open" | "half-open";
export type BreakerChange = { at: string; state: BreakerState };
/** The breaker as a Prometheus gauge value: 1 open, 0.5 half-open, 0 closed. */
export const breakerGaugeValue = (state: BreakerState): number =>
  ({ closed: 0, "half-open": 0.5, open: 1 })[state];

/** Thrown without calling the origin while the breaker is open. */
export class BrokenCircuitError extends Error {
  override name = "BrokenCircuitError";
  constructor() {
    super("origin circuit breaker is open");
  }
}

const isTransient = (e: unknown) => e instanceof OriginError && e.transient;

/*
 * Why not cockatiel, the usual library for this: it aborts an AbortController while its module
 * loads, which workerd refuses in global scope, and it links every call's signal to module-level
 * signals, which workerd refuses across requests ("Cannot perform I/O on behalf of a different
 * request"). The policy below is the small part we need, with state that holds no I/O objects.
 */

/**
 * The way to the origin, for the sync-worker and the edge: at most `concurrency` calls at once, each
 * with a timeout signal made for that call, retried with decorrelated-jitter backoff while the error
 * is transient, behind a consecutive-failure circuit breaker. While open, calls fail fast; after
 * `halfOpenAfterMs` one trial call decides whether it closes.
 */
export function resilientOrigin(origin: OriginClient, options: OriginPolicyOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 3000;
  const attempts = options.attempts ?? 3;
  const limit = pLimit(options.concurrency ?? 8);
  const history: BreakerChange[] = [];
  let state: BreakerState = "closed";
  let failures = 0;
  let openedAt = 0;
  let trialRunning = false;

  const now = options.now ?? Date.now;
  const move = (next: BreakerState) => {
    if (next === state) return;
    state = next;
    history.push({ at: new Date(now()).toISOString(), state });
    if (history.length > 100) history.shift();
  };
  const admit = () => {
    if (state === "closed") return false;
    if (state === "open" && now() - openedAt >= (options.halfOpenAfterMs ?? 5000)) move("half-open");
    if (state === "half-open" && !trialRunning) {
      trialRunning = true;
      return true;
    }
    throw new BrokenCircuitError();
  };
  const settle = (trial: boolean, ok: boolean) => {
    if (trial) trialRunning = false;
    if (ok) {
      failures = 0;
      move("closed");
    } else if (trial || ++failures >= (options.breakAfter ?? 5)) {
      openedAt = now();
      move("open");
    }
  };

  const call = <T>(name: OriginCall, fn: (signal: AbortSignal) => Promise<T>) =>
    limit(async () => {
      let delay = 50;
      for (let attempt = 1; ; attempt++) {
        const trial = admit();
        const started = performance.now();
        try {
          const result = await fn(AbortSignal.timeout(timeoutMs));
          options.onAttempt?.(name, performance.now() - started, true);
          settle(trial, true);
          return result;
        } catch (error) {
          options.onAttempt?.(name, performance.now() - started, false);
          if (!isTransient(error)) {
            if (trial) trialRunning = false;
            throw error;
          }
          settle(trial, false);
          if (attempt >= attempts || state === "open") throw error;
          delay = Math.min(1000, 50 + Math.random() * (delay * 3 - 50)); // decorrelated jitter
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    });

  const client: OriginClient = {
    shop: (id) => call("shop", (s) => origin.shop(id, s)),
    shops: (ids) => call("shops", (s) => origin.shops(ids, s)),
    list: (region, category) => call("list", (s) => origin.list(region, category, s)),
    owner: (id) => call("owner", (s) => origin.owner(id, s)),
    changes: (q) => call("changes", (s) => origin.changes(q, s)),
    shopIds: (q) => call("shopIds", (s) => origin.shopIds(q, s)),
    outbox: () => call("outbox", (s) => origin.outbox(s)),
  };
  return { client, breaker: { state: () => state, history: () => [...history] } };
}
