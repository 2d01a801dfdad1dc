import { afterAll, describe, expect, inject, it } from "vitest";
import { createLogger } from "../../runtime/index.ts";
import { waitFor } from "../../tests/event-receiver.ts";
import { queueContractSuite } from "./contract-suite.ts";
import { createMemoryQueue } from "./memory.ts";
import { createRedisQueue } from "./redis-streams.ts";

const logger = createLogger("test", "silent");
const redisUrl = inject("redisUrl");

queueContractSuite("memory", async (clock) => createMemoryQueue(clock));

describe.runIf(redisUrl)("Redis Streams queue (real server)", () => {
  const url = redisUrl as string;
  const prefixes: string[] = [];
  const make = async (prefix: string, consumer: string, claimIdleMs?: number, now?: () => number) =>
    createRedisQueue({
      url,
      prefix,
      consumer,
      logger,
      ...(claimIdleMs ? { claimIdleMs } : {}),
      ...(now ? { now } : {}),
    });

  queueContractSuite("redis streams", async ({ now }) => {
    const prefix = `ec-q-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    prefixes.push(prefix);
    return make(prefix, "c1", undefined, now);
  });

  it("hands a crashed consumer's unacked messages to another consumer", async () => {
    const prefix = `ec-q-test-${process.pid}-claim`;
    const a = await make(prefix, "worker-a", 200);
    const b = await make(prefix, "worker-b", 200);
    await a.send([{ type: "shop", id: "s_orphan", occurredAt: "2026-11-26T12:00:00.000Z" }]);
    expect((await a.receive(10, 100)).map((d) => d.event.id)).toEqual(["s_orphan"]);
    await a.close(); // dies without an ack
    // Redis measures the idle time itself: wait for the takeover, not for a fixed time.
    const taken =
      (await waitFor(async () => {
        const got = await b.receive(10, 100);
        return got.length > 0 ? got : null;
      }, 10_000)) ?? [];
    expect(taken.map((d) => d.event.id)).toEqual(["s_orphan"]);
    await b.ack(taken.map((d) => d.id));
    expect(await b.depth()).toEqual({ ready: 0, inFlight: 0, scheduled: 0, nextDueAt: null, bulk: 0 });
    await b.close();
  });

  it("recovers when its stream and group vanish (Redis restarted without persistence, or flushed)", async () => {
    const prefix = `ec-q-test-${process.pid}-flush`;
    prefixes.push(prefix);
    const q = await make(prefix, "c1");
    const { createClient } = await import("redis");
    const admin = createClient({ url });
    await admin.connect();
    await admin.del([`${prefix}:q`]);
    await admin.close();
    expect(await q.receive(10, 10)).toEqual([]); // recreated the group
    await q.send([{ type: "shop", id: "s_after", occurredAt: "2026-11-26T12:00:00.000Z" }]);
    expect((await q.receive(10, 200)).map((d) => d.event.id)).toEqual(["s_after"]);
    await q.close();
  });

  afterAll(async () => {
    const { createClient } = await import("redis");
    const client = createClient({ url });
    await client.connect();
    for (const p of [...prefixes, `ec-q-test-${process.pid}-claim`])
      await client.del([`${p}:q`, `${p}:q:bulk`, `${p}:q:delayed`]);
    await client.close();
  });
});
