import pLimit from "p-limit";
import { type OriginClient, OriginError } from "./origin-client.ts";

export type OriginPolicyOptions = {
  timeoutMs?: number;
  attempts?: number;
  concurrency?: number;
  breakAfter?: number;
  halfOpenAfterMs?: number;
};

export type BreakerState = "closed" | "open" | "half-open";
export type BreakerChange = { at: string; state: BreakerState };

// Matched by name: cockatiel is loaded lazily (below), so its classes are not at hand for instanceof.
const isTransient = (e: unknown) =>
  (e instanceof OriginError && e.transient) || (e as Error | null)?.name === "TaskCancelledError";
const isBrokenCircuit = (e: unknown) => (e as Error | null)?.name === "BrokenCircuitError";

/**
 * cockatiel aborts an AbortController while its module loads, which workerd refuses in global
 * scope ("Disallowed operation called within global scope"). Importing it on first use keeps the
 * Workers entry loadable; bundlers initialise a dynamically imported module lazily.
 */
async function buildPolicy(o: OriginPolicyOptions, onState: (s: BreakerState) => void) {
  const c = await import("cockatiel");
  const breaker = c.circuitBreaker(c.handleWhen(isTransient), {
    halfOpenAfter: o.halfOpenAfterMs ?? 5000,
    breaker: new c.ConsecutiveBreaker(o.breakAfter ?? 5),
  });
  breaker.onStateChange((state) =>
    onState(
      state === c.CircuitState.Closed ? "closed" : state === c.CircuitState.HalfOpen ? "half-open" : "open",
    ),
  );
  return c.wrap(
    c.retry(
      c.handleWhen((e) => isTransient(e) && !isBrokenCircuit(e)),
      {
        maxAttempts: (o.attempts ?? 3) - 1,
        backoff: new c.ExponentialBackoff({ initialDelay: 50, maxDelay: 1000 }),
      },
    ),
    breaker,
    c.timeout(o.timeoutMs ?? 3000, c.TimeoutStrategy.Aggressive),
  );
}

/**
 * The sync-worker's way to the origin: at most `concurrency` calls at once, each with a timeout,
 * retried with jittered exponential backoff (cockatiel's decorrelated jitter) while the error is
 * transient, behind a circuit breaker that stops hammering an origin that is down. An open breaker
 * fails fast and is not retried: the queue's own backoff takes over.
 */
export function resilientOrigin(origin: OriginClient, options: OriginPolicyOptions = {}) {
  const limit = pLimit(options.concurrency ?? 8);
  let state: BreakerState = "closed";
  const history: BreakerChange[] = [];
  let policy: ReturnType<typeof buildPolicy> | null = null;
  const onState = (next: BreakerState) => {
    state = next;
    history.push({ at: new Date().toISOString(), state: next });
    if (history.length > 100) history.shift();
  };
  const call = <T>(fn: (signal: AbortSignal) => Promise<T>) =>
    limit(async () => {
      policy ??= buildPolicy(options, onState);
      return (await policy).execute(({ signal }) => fn(signal));
    });

  const client: OriginClient = {
    shop: (id) => call((s) => origin.shop(id, s)),
    list: (region, category) => call((s) => origin.list(region, category, s)),
    owner: (id) => call((s) => origin.owner(id, s)),
    changes: (q) => call((s) => origin.changes(q, s)),
    shopIds: (q) => call((s) => origin.shopIds(q, s)),
  };
  return { client, breaker: { state: () => state, history: () => [...history] } };
}

/** Whether a failure is worth another delivery later (vs. a contract breach, which is not). */
export function isRetryable(error: unknown): boolean {
  return isTransient(error) || isBrokenCircuit(error);
}
