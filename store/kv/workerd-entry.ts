/** The list shard in a Worker of its own, for tests and benches that open workerd (workerd-kv.ts). */
export { ListShard } from "./list-shard.ts";
export default { fetch: () => new Response("list shards") };
