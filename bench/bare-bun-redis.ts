import { createClient } from "redis";

// The Redis ceiling for an edge with L1 off (bench/throughput.ts): Bun.serve answering each request
// with one HMGET of the stored detail's body — no guard, no headers of the edge's, no L1. It uses
// node-redis, as the edge does: on Bun it answered 116–130k HMGET/s at 64 in flight against 65–69k
// for Bun's built-in RedisClient (measured 2026-11-28). What is left between this and the edge's
// L1-off row is the edge's own work.
declare const Bun: {
  serve(o: { port: number; hostname: string; fetch: () => Promise<Response> }): unknown;
};
const redis = createClient({ url: process.env.REDIS_URL as string, RESP: 2 });
await redis.connect();
const key = process.env.DOC_KEY as string;
Bun.serve({
  port: Number(process.env.PORT),
  hostname: "127.0.0.1",
  fetch: async () => {
    const [body] = (await redis.sendCommand(["HMGET", key, "body"])) as [string | null];
    return body === null
      ? new Response("not found", { status: 404 })
      : new Response(body, { headers: { "content-type": "application/json; charset=utf-8" } });
  },
});
