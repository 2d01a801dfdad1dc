/** Time as the store sees it: injected, so a test or a bench decides what a second is. */
export type Clock = { now(): number; sleep(ms: number): Promise<void> };
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** KV takes one write per key per second (https://developers.cloudflare.com/kv/platform/limits/). */
export const KEY_WRITE_SPACING_MS = 1000;

/**
 * One write per key per second from this writer, by construction: the writes to a key run one at a
 * time, and each waits until a second has passed since the last — the last this process made, or an
 * earlier writer's as the stored metadata tells (`floor`). A wait is rare (the same shop changed
 * twice within a second) and delays only that key's write, and the batch that caused it is
 * acknowledged after it: nothing is dropped, and production never answers 429.
 */
export function keyPacer(clock: Clock) {
  const last = new Map<string, number>();
  const tails = new Map<string, Promise<unknown>>();
  const forget = (now: number) => {
    if (last.size < 4096) return;
    for (const [key, at] of last) if (now - at >= KEY_WRITE_SPACING_MS) last.delete(key);
  };

  return function paced<T>(
    key: string,
    work: (spaced: (floor?: number) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const spaced = async (floor = Number.NEGATIVE_INFINITY) => {
      const wait =
        Math.max(last.get(key) ?? Number.NEGATIVE_INFINITY, floor) + KEY_WRITE_SPACING_MS - clock.now();
      if (wait > 0) await clock.sleep(wait);
      const now = clock.now();
      forget(now);
      last.set(key, now);
    };
    const run = (tails.get(key) ?? Promise.resolve()).then(() => work(spaced));
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

/** A clock that moves only when told (`time.t`) or when something sleeps on it: tests and benches. */
export function simulatedClock(time: { t: number }, onSleep?: (ms: number) => void): Clock {
  return {
    now: () => time.t,
    sleep: async (ms) => {
      onSleep?.(ms);
      time.t += ms;
    },
  };
}
