import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import pLimit from "p-limit";
import { type OriginClient, OriginError } from "../../contract/index.ts";

export type OriginPolicyOptions = {
  timeoutMs?: number;
  attempts?: number;
  concurrency?: number;
  breakAfter?: number;
  halfOpenAfterMs?: number;
};

export type BreakerState = "closed" | "open" | "half-open";
export type BreakerChange = { at: string; state: BreakerState };

const isTransient = (e: unknown) =>
  (e instanceof OriginError && e.transient) || e instanceof TaskCancelledError;

/**
 * The sync-worker's way to the origin: at most `concurrency` calls at once, each with a timeout,
 * retried with jittered exponential backoff (cockatiel's decorrelated jitter) while the error is
 * transient, behind a circuit breaker that stops hammering an origin that is down. An open breaker
 * fails fast and is not retried: the queue's own backoff takes over.
 */
export function resilientOrigin(origin: OriginClient, options: OriginPolicyOptions = {}) {
  const limit = pLimit(options.concurrency ?? 8);
  const breaker = circuitBreaker(handleWhen(isTransient), {
    halfOpenAfter: options.halfOpenAfterMs ?? 5000,
    breaker: new ConsecutiveBreaker(options.breakAfter ?? 5),
  });
  const history: BreakerChange[] = [];
  breaker.onStateChange((state) => {
    history.push({ at: new Date().toISOString(), state: stateName(state) });
    if (history.length > 100) history.shift();
  });
  const policy = wrap(
    retry(
      handleWhen((e) => isTransient(e) && !(e instanceof BrokenCircuitError)),
      {
        maxAttempts: (options.attempts ?? 3) - 1,
        backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1000 }),
      },
    ),
    breaker,
    timeout(options.timeoutMs ?? 3000, TimeoutStrategy.Aggressive),
  );
  const call = <T>(fn: (signal: AbortSignal) => Promise<T>) =>
    limit(() => policy.execute(({ signal }) => fn(signal)));

  const client: OriginClient = {
    shop: (id) => call((s) => origin.shop(id, s)),
    list: (region, category) => call((s) => origin.list(region, category, s)),
    owner: (id) => call((s) => origin.owner(id, s)),
    changes: (q) => call((s) => origin.changes(q, s)),
    shopIds: (q) => call((s) => origin.shopIds(q, s)),
  };
  return {
    client,
    breaker: { state: () => stateName(breaker.state), history: () => [...history] },
  };
}

function stateName(state: CircuitState): BreakerState {
  return state === CircuitState.Closed ? "closed" : state === CircuitState.HalfOpen ? "half-open" : "open";
}

/** Whether a failure is worth another delivery later (vs. a contract breach, which is not). */
export function isRetryable(error: unknown): boolean {
  return isTransient(error) || error instanceof BrokenCircuitError;
}
