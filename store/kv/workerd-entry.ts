/**
 * The list shard in a Worker of its own, for tests and benches that open workerd (workerd-kv.ts):
 * `POST /shard/<name>` is passed to that shard, so Node reaches the real object over plain HTTP
 * (Miniflare's proxied namespace costs a few round trips a call).
 */
export { ListShard } from "./list-shard.ts";

export default {
  fetch(request: Request, env: { LISTS: DurableObjectNamespace }): Promise<Response> | Response {
    const name = decodeURIComponent(new URL(request.url).pathname.replace(/^\/shard\//, ""));
    if (!name) return new Response("list shards", { status: 404 });
    return env.LISTS.get(env.LISTS.idFromName(name)).fetch(request);
  },
};
