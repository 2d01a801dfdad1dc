import { describe, expect, it } from "vitest";
import { storeContractSuite } from "./contract-suite.ts";
import { listStoreSuite } from "./list-suite.ts";
import { createMemoryStore } from "./memory.ts";

storeContractSuite("memory", async () => ({ store: createMemoryStore() }), {
  atomicGuard: true,
  notifies: true,
});

listStoreSuite("memory", async () => ({ store: createMemoryStore() }), { atomic: true });

describe("memory store bounds", () => {
  it("evicts the least recently used documents past its byte budget, never bookkeeping", async () => {
    const store = createMemoryStore({ maxBytes: 10_000 });
    await store.registerLists("s_1", { version: 1, seq: 1 }, ["list:mapo:cafe"]);
    for (let i = 0; i < 20; i++) {
      await store.put(`detail:s_${i}`, {
        body: "x".repeat(1000),
        version: 1,
        seq: 1,
        builtAt: "2026-11-26T00:00:00.000Z",
      });
    }
    const kept = (await store.getMany(Array.from({ length: 20 }, (_, i) => `detail:s_${i}`))).filter(Boolean);
    expect(kept.length).toBeLessThan(20);
    expect(await store.get("detail:s_19")).not.toBeNull(); // the newest stays
    expect(await store.getMemberships("s_1")).toEqual(["list:mapo:cafe"]);
  });
});
