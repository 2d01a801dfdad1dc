import type { DocumentStore } from "../store/port.ts";

/**
 * Fault injection for a store: the real store underneath, made to fail or stall on demand
 * (a real Redis cannot be told to do that to one client only). Allowed by the house rules as a
 * fault injector, never as a stand-in.
 */
export function faultyStore(inner: DocumentStore) {
  const state = { mode: "ok" as "ok" | "fail" | "hang" };
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (state.mode === "fail") throw new Error("injected store failure");
    // The fault itself: a store that stalls far past any budget.
    if (state.mode === "hang") await new Promise((r) => setTimeout(r, 10_000));
    return fn();
  };
  const getMetas = inner.getMetas?.bind(inner);
  const store: DocumentStore = {
    ...inner,
    get: (k) => guard(() => inner.get(k)),
    getMany: (ks) => guard(() => inner.getMany(ks)),
    ...(getMetas ? { getMetas: (ks: readonly string[]) => guard(() => getMetas(ks)) } : {}),
    put: (k, d, o) => guard(() => inner.put(k, d, o)),
  };
  return { store, state };
}
