import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentStore } from "../port.ts";
import { listStoreSuite } from "../suites/list-suite.ts";
import { recordStoreSuite } from "../suites/records-suite.ts";
import { servedStoreSuite } from "../suites/served-suite.ts";
import { createKvStore } from "./kv-store.ts";
import { limitedKv } from "./limits.ts";
import { simulatedClock } from "./paced.ts";
import { workerdKv } from "./workerd-kv.ts";

/**
 * Workers KV inside workerd, through Miniflare. Miniflare's local KV is immediately consistent and
 * so hides KV's real ~60 s cross-location propagation (docs/deployment.md): these cases prove the adapter's
 * logic, not KV's freshness. The concurrent-writers case is left out by design: KV has no
 * compare-and-set, and the sync-worker keeps one writer per key (see kv-store.ts).
 *
 * The binding enforces production's limits (limits.ts). Each store call is a moment of its own — the
 * clock moves a second before it — and within a call the store's pacing (paced.ts) waits on the
 * same clock, so what fails here is a key, value or metadata production would refuse, or a write
 * the pacing let through too soon.
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
    const { kv: binding, lists } = kv();
    const store = createKvStore(limitedKv(binding, { now: () => clock.t }).kv, {
      prefix: `t${++n}`,
      lists,
      clock: simulatedClock(clock),
    });
    return { store: oneCallASecond(store, clock) };
  };
  servedStoreSuite("kv", async () => limited(), { atomicGuard: false });
  recordStoreSuite("kv", async () => limited());
  // Lists live in Durable Objects (list-shard.ts): one writer per region, atomic as on Redis.
  listStoreSuite("kv", async () => limited(), { atomic: true });
});

describe("Workers KV adapter: one write per key per second, by construction", () => {
  const kv = workerdKv({ beforeAll, afterAll });

  it("a second write to a key within a second waits for the second to pass; production's limit never fires", async () => {
    const clock = { t: 5_000 };
    const waits: number[] = [];
    const { kv: binding, lists } = kv();
    const limited = limitedKv(binding, { now: () => clock.t });
    const store = createKvStore(limited.kv, {
      prefix: "paced",
      lists,
      clock: simulatedClock(clock, (ms) => waits.push(ms)),
    });
    const doc = (v: number) => ({
      version: v,
      seq: v,
      builtAt: "2026-01-01T00:00:00.000Z",
      body: `{"v":${v}}`,
    });
    // Concurrent and back to back: the writes to one key run one at a time, a second apart.
    const results = await Promise.all([1, 2, 3].map((v) => store.put("detail:s1", doc(v))));
    expect(results.map((r) => r.written)).toEqual([true, true, true]);
    expect(waits).toEqual([1000, 1000]);
    await store.put("detail:s2", doc(1)); // another key does not wait
    expect(waits).toHaveLength(2);
    expect(limited.ops.violations).toBe(0);
    expect((await store.get("detail:s1"))?.version).toBe(3);
  });
});
