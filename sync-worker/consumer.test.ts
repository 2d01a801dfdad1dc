import { describe, expect, it, vi } from "vitest";
import { createLogger } from "../runtime/index.ts";
import { waitFor } from "../tests/event-receiver.ts";
import { Consumer } from "./consumer.ts";
import type { BatchProcessor, BatchResult } from "./pipeline/process.ts";
import { createMemoryQueue } from "./queue/memory.ts";
import type { Delivery } from "./queue/port.ts";

const shop = (id: string) => ({ type: "shop" as const, id, occurredAt: new Date().toISOString() });

/**
 * The loops around a real in-process queue. The processor stands in for the origin's state read
 * and the store (an injected delay: each batch is held until the test lets it go), so what is
 * observed is the consumer's own scheduling.
 */
function held() {
  const waiting: { batch: readonly Delivery[]; done: () => void }[] = [];
  const processed: string[] = [];
  const processor = {
    async process(batch: readonly Delivery[]): Promise<BatchResult> {
      await new Promise<void>((done) => waiting.push({ batch, done }));
      processed.push(...batch.map((d) => d.event.id));
      return { ack: batch.map((d) => d.id), retry: [], dead: [] };
    },
  } as unknown as BatchProcessor;
  return { processor, waiting, processed };
}

describe("Consumer: bulk batches in flight", () => {
  it("keeps BULK_CONCURRENCY bulk batches in flight, and a live event still passes them", async () => {
    const queue = createMemoryQueue();
    const h = held();
    const consumer = new Consumer({
      queue,
      processor: h.processor,
      logger: createLogger("test", "error"),
      liveConcurrency: 1,
      bulk: { batchSize: 1, perSec: 0, concurrency: 2 },
      waitMs: 20,
    });
    await queue.send(["s_a", "s_b", "s_c"].map(shop), { source: "catch-up" });
    consumer.start();
    try {
      const taken = () => h.waiting.map((w) => w.batch[0]?.event.id as string);
      await waitFor(() => taken().length === 2);
      // Two bulk batches taken, the third waits for one of them to finish.
      expect(taken().sort()).toEqual(["s_a", "s_b"]);
      await queue.send([shop("s_live")]);
      // The live event passes them: taken while both bulk batches are still held, s_c still waiting.
      await waitFor(() => taken().includes("s_live"));
      expect(taken().sort()).toEqual(["s_a", "s_b", "s_live"]);
      for (const w of h.waiting.splice(0)) w.done();
      await waitFor(() => taken().length === 1);
      expect(taken()).toEqual(["s_c"]);
      h.waiting.splice(0)[0]?.done();
      await waitFor(() => h.processed.length === 4);
      expect(h.processed.sort()).toEqual(["s_a", "s_b", "s_c", "s_live"]);
      expect(await queue.depth()).toMatchObject({ ready: 0, inFlight: 0 });
    } finally {
      for (const w of h.waiting) w.done();
      await consumer.stop();
    }
  });

  it("paces the bulk loops together at BULK_SHOPS_PER_S, not each of them at it", async () => {
    const queue = createMemoryQueue();
    let processed = 0;
    const processor = {
      async process(batch: readonly Delivery[]): Promise<BatchResult> {
        processed += batch.length;
        return { ack: batch.map((d) => d.id), retry: [], dead: [] };
      },
    } as unknown as BatchProcessor;
    const consumer = new Consumer({
      queue,
      processor,
      logger: createLogger("test", "error"),
      bulk: { batchSize: 1, perSec: 10, concurrency: 2 },
      waitMs: 20,
    });
    await queue.send(
      Array.from({ length: 50 }, (_, i) => shop(`s_${i}`)),
      { source: "catch-up" },
    );
    // Driven time (vitest's fake timers: Date.now and setTimeout): whole seconds, exactly.
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
    try {
      consumer.start();
      const perSecond: number[] = [];
      for (let s = 0; s < 3; s++) {
        const before = processed;
        await vi.advanceTimersByTimeAsync(1000);
        perSecond.push(processed - before);
      }
      // 10 a second between the two loops (the first second also has each loop's undelayed first
      // batch). Each loop taking the whole rate would show 20.
      expect(perSecond).toEqual([12, 10, 10]);
    } finally {
      const stopping = consumer.stop();
      await vi.advanceTimersByTimeAsync(2000);
      await stopping;
      vi.useRealTimers();
    }
  });
});
