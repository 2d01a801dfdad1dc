import { type ChildProcess, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { createServer } from "node:http";
import { createClient } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { CATEGORIES, docKey } from "../contract/index.ts";
import { projectDetail, projectList } from "../projection/index.ts";
import { createRedisStore } from "../store/redis/redis-store.ts";
import { connectRedisRequester, RawRedis } from "../store/redis/tcp.ts";
import { originDataDir } from "./databases.ts";
import { freePort, waitFor } from "./event-receiver.ts";
import { DEV_STATE, type Service, startService } from "./process.ts";

const SHOPS = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shopId = (i: number) => `s_demo_${String(i + 1).padStart(6, "0")}`;

/** A Redis of the test's own, so restarting it cannot disturb the suites running beside this one. */
async function privateRedis(port: number): Promise<ChildProcess> {
  const proc = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  await waitFor(
    async () => {
      const c = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } });
      c.on("error", () => {});
      return c.connect().then(
        async () => {
          await c.close();
          return true;
        },
        () => false,
      );
    },
    10_000,
    100,
  );
  return proc;
}

/**
 * Chaos: origin, two sync-workers (Redis Streams) and two edges as processes; a fault
 * proxy between the origin's relay and the ingest drops, duplicates and delays event batches; the
 * origin, a sync-worker and Redis are killed and restarted, and the queue is flushed, while shops
 * change and edges are read. After the faults, one catch-up later, every document must equal the
 * projection of the origin's final state, and warmed reads must have stayed 200 throughout.
 */
describe("chaos: faults everywhere, then convergence", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
  });

  it("converges after origin, sync-worker and Redis restarts, lost/duplicated/reordered events and a queue flush", async () => {
    const redisPort = await freePort();
    let redis = await privateRedis(redisPort);
    cleanups.push(async () => redis.kill("SIGKILL"));
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const dataDir = await originDataDir("chaos-origin-");
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const [originPort, proxyPort, syncPorts] = [
      await freePort(),
      await freePort(),
      [await freePort(), await freePort()],
    ];

    // Fault proxy: relay → (drop | duplicate | delay) → a sync-worker, round robin.
    const figures = {
      batches: 0,
      dropped: 0,
      duplicated: 0,
      reads: 0,
      fiveHundreds: 0,
      stale: 0,
      warmFailures: 0,
      writes: 0,
      writesRefused: 0,
      spiked: 0,
      heldOver5s: [] as string[],
    };
    let next = 0;
    const proxy = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", async () => {
        figures.batches++;
        const roll = Math.random();
        const target = `http://127.0.0.1:${syncPorts[next++ % 2]}/events`;
        const forward = () =>
          fetch(target, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: req.headers.authorization ?? "" },
            body,
          }).then(
            (r) => r.status,
            () => 503,
          );
        let status = 202;
        if (roll < 0.15) figures.dropped++;
        else {
          if (roll < 0.3) await sleep(Math.random() * 300); // reorders against later batches
          status = await forward();
          if (roll > 0.85) {
            figures.duplicated++;
            void forward();
          }
        }
        res.writeHead(status).end("{}");
      });
    });
    await new Promise<void>((r) => proxy.listen(proxyPort, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => proxy.close(r)));

    // Latency proxy in front of the origin for the query side: spikes on demand.
    const latencyPort = await freePort();
    let spikeMs = 0;
    const latency = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", async () => {
        if (spikeMs) {
          figures.spiked++;
          await sleep(Math.random() * spikeMs); // the fault itself: latency on demand
        }
        try {
          const upstream = await fetch(`http://127.0.0.1:${originPort}${req.url}`, {
            method: req.method,
            headers: {
              "content-type": req.headers["content-type"] ?? "application/json",
              authorization: req.headers.authorization ?? "",
            },
            ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
          });
          res
            .writeHead(upstream.status, { "content-type": "application/json" })
            .end(Buffer.from(await upstream.arrayBuffer()));
        } catch {
          res.writeHead(502).end("{}");
        }
      });
    });
    await new Promise<void>((r) => latency.listen(latencyPort, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => latency.close(r)));

    const originEnv = {
      DATABASE_URL: "",
      ORIGIN_DATA_DIR: dataDir,
      DEMO_SHOPS: String(SHOPS),
      SYNC_URL: `http://127.0.0.1:${proxyPort}`,
      LOG_LEVEL: "error",
    };
    let origin: Service = await startService("origin/entry/node.ts", originEnv, originPort);
    const common = {
      STORE: "redis",
      QUEUE: "redis",
      REDIS_URL: redisUrl,
      ORIGIN_URL: `http://127.0.0.1:${latencyPort}`,
      STORE_PREFIX: "chaos",
      CATCH_UP_INTERVAL_S: "2",
      LOG_LEVEL: "error",
    };
    const syncEnv = (i: number) => ({ ...common, CONSUMER_NAME: `sync-${i}` });
    const syncs: Service[] = [];
    for (const [i, port] of syncPorts.entries())
      syncs.push(await startService("sync-worker/entry/node.ts", syncEnv(i), port as number));
    const edges = [
      await startService("edge/entry/node.ts", common, await freePort()),
      await startService("edge/entry/node.ts", common, await freePort()),
    ];
    cleanups.push(async () => {
      for (const s of [...edges, ...syncs, origin]) await s.stop("SIGKILL");
    });
    const admin = (i: number, path: string, method = "GET") =>
      fetch(`http://127.0.0.1:${syncPorts[i]}${path}`, {
        method,
        headers: { authorization: "Bearer dev-admin-token" },
      }).then((r) => r.json() as Promise<Record<string, never>>);
    await waitFor(
      async () =>
        ((await admin(0, "/admin/status").catch(() => null)) as { documents?: { detail: number } } | null)
          ?.documents?.detail === SHOPS,
      60_000,
      200,
    );

    // Warm reads: these keys must answer 200 through every fault.
    const warm = Array.from({ length: 10 }, (_, i) => shopId(i));
    for (const e of edges)
      for (const id of warm) await fetch(`${e.url}/v1/shops/${id}`).then((r) => r.arrayBuffer());

    let running = true;
    let phase = "start";
    const failedIn: string[] = []; // which fault a failed warm read happened under
    // Each acknowledged write, by shop: at the end its document must show the last one.
    const written = new Map<string, number>();
    const uncertain = new Set<string>();
    const writer = (async () => {
      for (let n = 0; running; n++) {
        const id = shopId(Math.floor(Math.random() * SHOPS));
        const res = await fetch(`${origin.url}/shops/${id}`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ reviewCount: 1000 + n, status: n % 5 === 0 ? "paused" : "open" }),
        }).catch(() => null); // the origin is down for a while: refused writes are counted
        await res?.arrayBuffer();
        if (res?.ok) {
          written.set(id, 1000 + n);
          uncertain.delete(id);
          figures.writes++;
        } else {
          figures.writesRefused++;
          // No answer (the origin killed mid-request): the write may have committed or not.
          if (!res) uncertain.add(id);
        }
        await sleep(40); // paces the writer (a load shape, not a wait for anything)
      }
    })();
    const reader = (async () => {
      while (running) {
        const edge = edges[Math.floor(Math.random() * 2)] as Service;
        const id = warm[Math.floor(Math.random() * warm.length)] as string;
        // A read held 30 s is a failure, not a pause in the test; one held over 5 s is counted (heldOver5s).
        const started = performance.now();
        const res = await fetch(`${edge.url}/v1/shops/${id}`, { signal: AbortSignal.timeout(30_000) }).catch(
          () => null,
        );
        const ms = performance.now() - started;
        if (ms > 5000) figures.heldOver5s.push(`${phase}:${Math.round(ms)}ms`);
        figures.reads++;
        if (!res || res.status >= 500) figures.fiveHundreds++;
        if (res?.status !== 200) {
          figures.warmFailures++;
          failedIn.push(`${phase}:${res?.status ?? "timeout"}`);
        }
        if (res?.headers.get("x-cache") === "STALE") figures.stale++;
        await res?.arrayBuffer();
        await sleep(10); // paces the reader
      }
    })();

    // Each fault lasts until its effect is seen, not for a fixed time; then writes must flow again.
    const more = async (what: () => number, n: number) => {
      const target = what() + n;
      await waitFor(() => what() >= target, 60_000, 20);
    };
    const writesFlow = () => more(() => figures.writes, 15);
    await writesFlow();
    phase = "origin-down";
    await origin.stop("SIGKILL"); // origin outage: warmed reads must stay 200, served STALE
    await more(() => figures.stale, 20);
    phase = "origin-back";
    origin = await startService("origin/entry/node.ts", originEnv, originPort);
    await writesFlow();
    phase = "sync-killed";
    await syncs[0]?.stop("SIGKILL"); // a sync-worker dies holding messages
    await more(() => figures.batches, 5); // the relay meets the dead worker's half of the round robin
    syncs[0] = await startService("sync-worker/entry/node.ts", syncEnv(0), syncPorts[0] as number);
    await writesFlow();
    phase = "redis-down";
    redis.kill("SIGKILL"); // Redis restarts empty: documents, queue and checkpoint are gone
    // Writes go on at the origin meanwhile. (Warm reads at the edges are sometimes held until Redis is
    // back — counted in heldOver5s and printed with the figures; the cause is not known yet.)
    await writesFlow();
    phase = "redis-back";
    redis = await privateRedis(redisPort);
    await writesFlow();
    const flush = createClient({ url: redisUrl });
    await flush.connect();
    phase = "queue-flushed";
    await flush.del(["chaos:q", "chaos:q:delayed"]); // the queue is lost
    await flush.close();
    await writesFlow();
    phase = "spike";
    spikeMs = 1500; // origin latency spikes: past the edge's budget and near the sync-worker's timeout
    await more(() => figures.spiked, 20);
    spikeMs = 0;
    await writesFlow();
    running = false;
    await Promise.all([writer, reader]);

    // One catch-up period after the faults, plus the queue draining: then everything must match.
    const requester = await connectRedisRequester(redisUrl);
    const store = createRedisStore(new RawRedis(requester), { prefix: "chaos" });
    cleanups.push(() => requester.close());
    const converging = Date.now();
    await waitFor(
      async () => {
        for (const id of Array.from({ length: SHOPS }, (_, i) => shopId(i))) {
          const state = await (await fetch(`${origin.url}/state/shops/${id}`, { headers: DEV_STATE })).json();
          // The store itself, not an edge: an edge would fill a gap from the origin and hide it.
          const stored = await store.get(docKey.detail(id));
          if (!stored) return false;
          const strip = (d: Record<string, unknown>) => JSON.stringify({ ...d, builtAt: null, seq: null });
          if (strip(JSON.parse(stored.body)) !== strip(projectDetail(state as never, Date.now()) as never))
            return false;
        }
        // Every list a demo shop can be in: the stored order and members equal the projection.
        for (const region of ["gangnam", "seocho", "songpa", "mapo", "yongsan", "jongno"]) {
          for (const category of CATEGORIES) {
            const listState = await (
              await fetch(`${origin.url}/state/shops?region=${region}&category=${category}`, {
                headers: DEV_STATE,
              })
            ).json();
            const expected = projectList(region, category, listState as never, Date.now());
            const storedList = await store.get(docKey.list(region, category));
            const got = storedList ? (JSON.parse(storedList.body) as { shops: unknown[] }).shops : [];
            if (JSON.stringify(got) !== JSON.stringify(expected.shops)) return false;
          }
        }
        return true;
      },
      90_000,
      1000,
    );
    // Status counts are shared for 5 s on Redis (a scan each): wait for a count taken after convergence.
    let status = { documents: { detail: -1 } };
    await waitFor(
      async () => {
        status = (await admin(1, "/admin/status")) as unknown as typeof status;
        return status.documents.detail === SHOPS;
      },
      15_000,
      500,
    );
    console.log(
      `chaos figures: ${JSON.stringify({ ...figures, failedIn, convergedAfterMs: Date.now() - converging, documents: status.documents })}`,
    );
    expect(figures.warmFailures).toBe(0);
    expect(figures.fiveHundreds).toBe(0);
    expect(figures.stale).toBeGreaterThanOrEqual(20); // the outage was felt, and answered from what was held
    expect(figures.writes).toBeGreaterThanOrEqual(90);
    // Every acknowledged write landed: each shop's document shows the last one made to it.
    const certain = [...written].filter(([id]) => !uncertain.has(id));
    expect(certain.length).toBeGreaterThan(SHOPS / 2);
    const landed = await Promise.all(
      certain.map(async ([id]) => {
        const stored = await store.get(docKey.detail(id));
        return [id, stored ? (JSON.parse(stored.body) as { reviewCount: number }).reviewCount : null];
      }),
    );
    expect(landed).toEqual(certain);
    expect(figures.dropped + figures.duplicated).toBeGreaterThan(0);
    expect(status.documents.detail).toBe(SHOPS);
  }, 180_000);
});
