/**
 * Store micro-benchmark: get and guarded-put operations per second per adapter, measured side by
 * side in one run (3 interleaved rounds, median). Not part of `npm test`.
 *
 *   npm run bench:store            # or: node --import tsx bench/store.ts --seconds 2 --concurrency 32
 */
import { writeFile } from "node:fs/promises";
import { Redis } from "@upstash/redis";
import { createKvStore } from "../store/kv/kv-store.ts";
import { openWorkerdKv } from "../store/kv/workerd-kv.ts";
import { createMemoryStore } from "../store/memory/memory-store.ts";
import type { DocumentStore } from "../store/port.ts";
import { createRedisStore } from "../store/redis/redis-store.ts";
import { connectRedisRequester, RawRedis } from "../store/redis/tcp.ts";
import { startUpstashRestServer } from "../tests/upstash-rest-server.ts";
import { benchArgs } from "./lib/args.ts";

const args = benchArgs({ seconds: "1.5", concurrency: "32", rounds: "3", keys: "1000" });
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const KEYS = Number(args.keys);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
// A small shop-detail document: ~1.6 K characters of JSON with Korean text.
const BODY = JSON.stringify({
  name: "원조 치킨 강남점",
  menus: Array.from({ length: 20 }, (_, i) => ({
    id: `m_${i}`,
    name: "양념치킨 세트",
    price: 19000,
    description: "강남 주민이 사랑하는 양념치킨",
  })),
});

async function measure(op: (i: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = w; performance.now() < deadline; i += CONCURRENCY) {
        await op(i);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main() {
  const workerd = await openWorkerdKv();
  const requester = await connectRedisRequester(redisUrl);
  const rest = await startUpstashRestServer(redisUrl, "bench-token");
  const prefix = `ec-bench-${process.pid}`;
  const stores: [string, DocumentStore][] = [
    ["memory", createMemoryStore()],
    ["redis (TCP requester)", createRedisStore(new RawRedis(requester), { prefix: `${prefix}-tcp` })],
    [
      "redis (Upstash REST, local endpoint)",
      createRedisStore(
        new Redis({
          url: rest.url,
          token: "bench-token",
          automaticDeserialization: false,
          enableTelemetry: false,
        }),
        { prefix: `${prefix}-rest` },
      ),
    ],
    ["kv (Miniflare/workerd)", createKvStore(workerd.kv, { prefix, lists: workerd.lists })],
  ];
  const results: Record<string, { get: number[]; put: number[] }> = {};
  for (const [name, store] of stores) {
    results[name] = { get: [], put: [] };
    for (let i = 0; i < KEYS; i++)
      await store.put(`detail:s_${i}`, { body: BODY, version: 1, seq: 1, builtAt: new Date().toISOString() });
  }
  let version = 2;
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const [name, store] of stores) {
      const r = results[name] as { get: number[]; put: number[] };
      r.get.push(await measure((i) => store.get(`detail:s_${i % KEYS}`)));
      r.put.push(
        await measure((i) =>
          store.put(`detail:s_${i % KEYS}`, {
            body: BODY,
            version: version++,
            seq: 1,
            builtAt: new Date().toISOString(),
          }),
        ),
      );
    }
  }
  const rows = Object.entries(results).map(([name, r]) => ({
    adapter: name,
    getPerSec: Math.round(median(r.get)),
    putPerSec: Math.round(median(r.put)),
  }));
  console.log(
    `\nstore ops/s — ${CONCURRENCY} concurrent, ${SECONDS}s × ${args.rounds} interleaved rounds, median; ${BODY.length}-char body\n`,
  );
  console.log("| adapter | get/s | guarded put/s |\n|---|---:|---:|");
  for (const row of rows) console.log(`| ${row.adapter} | ${row.getPerSec} | ${row.putPerSec} |`);
  await writeFile(
    "bench/results/store.json",
    `${JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, concurrency: CONCURRENCY, rows }, null, 2)}\n`,
  );
  for (const [, store] of stores) await store.purgeAll();
  await rest.close();
  await requester.close();
  await workerd.dispose();
}

await main();
