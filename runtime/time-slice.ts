/**
 * Cooperative time slicing for long in-memory work. With the embedded memory store a batch of 200
 * shops never waits on I/O: its awaits resolve as microtasks, so the whole batch runs as one task and
 * an HTTP request (a live event's POST) waits until it ends — measured at 100,000 shops as 400+ ms
 * stalls when a minute's ad boundaries (≈ 275 shops) came due at once. `slice()` resolves at once
 * while the current slice is under its budget and otherwise after one macrotask, letting I/O in.
 * Concurrent callers share one yield.
 */
export function timeSlicer(budgetMs = 8, now: () => number = () => performance.now()) {
  let since = now();
  let pending: Promise<void> | null = null;
  const macrotask: (fn: () => void) => void =
    (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate ?? ((fn) => setTimeout(fn, 0));
  return function slice(): Promise<void> | undefined {
    if (pending) return pending;
    if (now() - since < budgetMs) return undefined;
    pending = new Promise<void>((resolve) =>
      macrotask(() => {
        pending = null;
        since = now();
        resolve();
      }),
    );
    return pending;
  };
}
