import { afterAll, beforeAll, describe } from "vitest";
import type { DocumentStore } from "../port.ts";
import { listStoreSuite } from "../suites/list-suite.ts";
import { recordStoreSuite } from "../suites/records-suite.ts";
import { servedStoreSuite } from "../suites/served-suite.ts";
import { createKvStore } from "./kv-store.ts";
import { limitedKv } from "./limits.ts";
import { workerdKv } from "./workerd-kv.ts";

/**
 * Workers KV inside workerd, through Miniflare. Miniflare's local KV is immediately consistent and
 * so hides KV's real ~60 s cross-location propagation (docs/deployment.md): these cases prove the adapter's
 * logic, not KV's freshness. The concurrent-writers case is left out by design: KV has no
 * compare-and-set, and the sync-worker keeps one writer per key (see kv-store.ts).
 *
 * The binding enforces production's limits (limits.ts). Each store call is a moment of its own — the
 * clock moves a second before it — so what fails here is one call writing one key twice, or a key,
 * value or metadata production would refuse; how often the sync-worker calls the store is the
 * consumer's to bound.
 */
function oneCallASecond(store: DocumentStore, clock: { t: number }): DocumentStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        clock.t += 1000;
        return value.apply(target, args);
      };
    },
  });
}
describe("Workers KV adapter (workerd via Miniflare)", () => {
  const kv = workerdKv({ beforeAll, afterAll });

  let n = 0;
  const limited = () => {
    const clock = { t: 0 };
    const store = createKvStore(limitedKv(kv(), { now: () => clock.t }).kv, { prefix: `t${++n}` });
    return { store: oneCallASecond(store, clock) };
  };
  servedStoreSuite("kv", async () => limited(), { atomicGuard: false });
  recordStoreSuite("kv", async () => limited());
  // One writer per list on KV (see shop-lists.ts): no concurrent-writers case.
  listStoreSuite("kv", async () => limited(), { atomic: false });
});
