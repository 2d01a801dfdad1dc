export {};

// The Redis ceiling for an edge with L1 off (bench/throughput.ts): Bun.serve answering each request
// with one HMGET of the stored detail's body over Bun's own Redis client — no guard, no headers of
// the edge's, no L1. What is left between this and the edge's L1-off row is the edge's own work.
declare const Bun: {
  serve(o: { port: number; hostname: string; fetch: () => Promise<Response> }): unknown;
};
const { RedisClient } = (await import("bun" as string)) as {
  RedisClient: new (url: string) => { send(cmd: string, args: string[]): Promise<unknown> };
};
const redis = new RedisClient(process.env.REDIS_URL as string);
const key = process.env.DOC_KEY as string;
Bun.serve({
  port: Number(process.env.PORT),
  hostname: "127.0.0.1",
  fetch: async () => {
    const [body] = (await redis.send("HMGET", [key, "body"])) as [string | null];
    return body === null
      ? new Response("not found", { status: 404 })
      : new Response(body, { headers: { "content-type": "application/json; charset=utf-8" } });
  },
});
