import { afterAll, describe, expect, inject, it } from "vitest";
import { httpOriginClient } from "../clients/index.ts";
import { CATEGORIES, docKey, ShopListDoc, type ShopListStateResponse } from "../contract/index.ts";
import { seedDemoIfEmpty } from "../origin/demo/seed.ts";
import { createOriginApp } from "../origin/http/app.ts";
import { projectList } from "../projection/index.ts";
import { createLogger } from "../runtime/index.ts";
import { nodeServe } from "../runtime/node.ts";
import { createRedisStore } from "../store/redis/redis-store.ts";
import { connectRedisRequester, RawRedis } from "../store/redis/tcp.ts";
import { createRedisQueue } from "../sync-worker/queue/redis-streams.ts";
import { createSyncWorker } from "../sync-worker/service.ts";
import { engines } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";

const redisUrl = inject("redisUrl");
const silent = createLogger("test", "silent");

/** QUEUE=redis, STORE=redis: two sync-workers share one stream and one store on the real server. */
const STATE_TOKEN = "redis-state-token";
const STATE_AUTH = { authorization: `Bearer ${STATE_TOKEN}` };

describe.runIf(redisUrl)("two sync-workers on Redis Streams and the Redis store", () => {
  const prefix = `ec-sync-test-${process.pid}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  const workers: {
    worker: ReturnType<typeof createSyncWorker>;
    store: ReturnType<typeof createRedisStore>;
  }[] = [];
  let originUrl = "";
  const originCall = (method: string, path: string, body: unknown) =>
    fetch(`${originUrl}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => expect(r.status).toBe(200));
  const deleteQueue = async () => {
    const { createClient } = await import("redis");
    const client = createClient({ url: redisUrl as string });
    await client.connect();
    await client.del([`${prefix}:q`, `${prefix}:q:bulk`, `${prefix}:q:delayed`]);
    await client.close();
  };

  it("share the events between them and converge on the same documents", async () => {
    const db = await (engines()[0] as NonNullable<ReturnType<typeof engines>[0]>).open();
    cleanups.push(() => db.close());
    await seedDemoIfEmpty(db, { shops: 30, seed: 5 });
    const origin = await nodeServe(
      createOriginApp({ db, logger: silent, stateToken: STATE_TOKEN }).fetch,
      "127.0.0.1",
      0,
    );
    originUrl = `http://127.0.0.1:${origin.port}`;
    cleanups.push(() => origin.close());
    for (const name of ["w1", "w2"]) {
      const requester = await connectRedisRequester(redisUrl as string);
      const store = createRedisStore(new RawRedis(requester), { prefix, close: requester.close });
      const queue = await createRedisQueue({
        url: redisUrl as string,
        prefix,
        consumer: name,
        logger: silent,
      });
      const worker = createSyncWorker({
        store,
        queue,
        origin: httpOriginClient(`http://127.0.0.1:${origin.port}`, { token: STATE_TOKEN }),
        logger: silent,
        tokens: { events: "e".repeat(8), admin: "a".repeat(8) },
        batchSize: 5, // small batches so both workers get some
        bulk: { batchSize: 5, perSec: 0 }, // catch-up's events are bulk work: small batches there too
        catchUp: { resendAfterMs: 0 },
      });
      worker.consumer.start();
      workers.push({ worker, store });
    }
    cleanups.push(async () => {
      // Consumers first, or one would recreate the stream; then the keys; then the connections.
      for (const w of workers) await w.worker.consumer.stop();
      await workers[0]?.store.purgeAll({ deadLetters: true });
      await deleteQueue();
      for (const w of workers) await w.worker.stop();
    });
    const [first, second] = workers as [(typeof workers)[number], (typeof workers)[number]];
    await first.worker.catchUp.run();
    await waitFor(async () => (await first.store.countDocuments()).detail === 30, 20_000);
    await waitFor(
      () => first.worker.counters.eventsProcessed + second.worker.counters.eventsProcessed >= 30,
      10_000,
    );
    expect(first.worker.counters.eventsProcessed).toBeGreaterThan(0);
    expect(second.worker.counters.eventsProcessed).toBeGreaterThan(0);
    const detail = await second.store.get(docKey.detail("s_demo_000007"));
    expect(detail?.version).toBe(1);
    expect((await second.store.countDocuments()).main).toBeGreaterThan(0);
  }, 60_000);

  it("interleaved changes to shops sharing lists, on both workers at once, end equal to the full projection", async () => {
    const [first, second] = workers as [(typeof workers)[number], (typeof workers)[number]];
    const ids = Array.from({ length: 30 }, (_, i) => `s_demo_${String(i + 1).padStart(6, "0")}`);
    const regions = ["gangnam", "seocho", "mapo"];
    const ingest = (w: (typeof workers)[number], events: unknown[]) =>
      w.worker.app.fetch(
        new Request("http://sync/events", {
          method: "POST",
          headers: { authorization: `Bearer ${"e".repeat(8)}`, "content-type": "application/json" },
          body: JSON.stringify({ events }),
        }),
      );
    let step = 0;
    // Every change is told to both workers (duplicates, in any order): they rebuild the same shops
    // and write the same few lists concurrently.
    for (let round = 0; round < 6; round++) {
      await Promise.all(
        ids.map(async (id, i) => {
          const k = step++;
          const body =
            k % 5 === 0
              ? { regions: [regions[k % 3], regions[(k + 1) % 3]] } // a region move
              : k % 5 === 1
                ? { status: k % 2 ? "paused" : "open" }
                : k % 5 === 2
                  ? { category: i % 2 ? "chicken" : "pizza" }
                  : { rating: (k % 50) / 10, reviewCount: k };
          await originCall("PATCH", `/shops/${id}`, body);
          const event = { type: "shop", id, occurredAt: new Date().toISOString() };
          await Promise.all([ingest(first, [event]), ingest(second, [event])]);
        }),
      );
    }
    await waitFor(async () => {
      for (const id of ids) {
        const origin = (await (
          await fetch(`${originUrl}/state/shops/${id}`, { headers: STATE_AUTH })
        ).json()) as {
          shop: { version: number };
        };
        if ((await first.store.get(docKey.detail(id)))?.version !== origin.shop.version) return false;
      }
      return true;
    }, 30_000);
    await Promise.all([first.worker.consumer.drain(), second.worker.consumer.drain()]);
    const now = Date.now();
    for (const region of ["gangnam", "seocho", "mapo", "songpa", "yongsan"]) {
      for (const category of CATEGORIES) {
        const state = (await (
          await fetch(`${originUrl}/state/shops?region=${region}&category=${category}`, {
            headers: STATE_AUTH,
          })
        ).json()) as ShopListStateResponse;
        const expected = projectList(region, category, state, now);
        const stored = await second.store.get(docKey.list(region, category));
        const got = stored ? ShopListDoc.parse(JSON.parse(stored.body)) : { total: 0, shops: [] };
        expect({ list: `${region}:${category}`, shops: got.shops, total: got.total }).toEqual({
          list: `${region}:${category}`,
          shops: expected.shops,
          total: expected.total,
        });
      }
    }
  }, 90_000);

  it("a resync started on one sync-worker can be followed on the other", async () => {
    const [first, second] = workers as [(typeof workers)[number], (typeof workers)[number]];
    const admin = (w: (typeof workers)[number], method: string, path: string, body?: unknown) =>
      w.worker.app.request(path, {
        method,
        headers: { authorization: `Bearer ${"a".repeat(8)}`, "content-type": "application/json" },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const started = (await (await admin(first, "POST", "/admin/resync", { all: true })).json()) as {
      id: string;
    };
    const done = await waitFor(
      async () => {
        const res = await admin(second, "GET", `/admin/jobs/${started.id}`);
        const job = res.status === 200 ? ((await res.json()) as { state: string; done: number }) : null;
        return job?.state === "done" ? job : null;
      },
      20_000,
      100,
    );
    expect(done).toMatchObject({ state: "done", done: 30, total: 30, failed: 0 });
    const listed = (await (await admin(second, "GET", "/admin/jobs")).json()) as { jobs: { id: string }[] };
    expect(listed.jobs.map((j) => j.id)).toContain(started.id);
  }, 30_000);

  it("a queue flushed after catch-up queued changes loses none: the checkpoint waits until documents show them", async () => {
    const [first] = workers as [(typeof workers)[number]];
    await waitFor(async () => (await first.worker.catchUp.run()).held === 0, 10_000, 100);
    for (const w of workers) await w.worker.consumer.stop(); // the queue only holds from here
    const renamed = ["s_demo_000003", "s_demo_000011", "s_demo_000019"];
    for (const id of renamed) await originCall("PATCH", `/shops/${id}`, { name: `flushed ${id}` });
    const before = (await first.store.getCheckpoint("changes")) as number;

    const queued = await first.worker.catchUp.run(); // no relay: only catch-up knows of these changes
    expect(queued).toMatchObject({ events: 3, held: 3, to: before });
    await deleteQueue(); // the queue is lost with the three events in it

    first.worker.consumer.start();
    const resent = await first.worker.catchUp.run(); // resendAfterMs 0 here; 60 s by default
    expect(resent.events).toBe(3);
    for (const id of renamed)
      await waitFor(async () => {
        const doc = await first.store.get(docKey.detail(id));
        return doc !== null && JSON.parse(doc.body).name === `flushed ${id}`;
      }, 10_000);
    const settled = await first.worker.catchUp.run();
    expect(settled).toMatchObject({ events: 0, held: 0 });
    expect(settled.to).toBeGreaterThanOrEqual(before + 3);
  }, 60_000);
});
