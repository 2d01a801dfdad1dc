import { Miniflare } from "miniflare";
import { afterAll, beforeAll } from "vitest";

/**
 * For tests: a KV namespace inside workerd (Miniflare), started before the file's tests and disposed
 * after. Miniflare's KV is immediately consistent and enforces none of production's limits; wrap it
 * in limits.ts for those.
 */
export function workerdKv(): () => KVNamespace {
  let mf: Miniflare | undefined;
  let kv: KVNamespace | undefined;
  beforeAll(async () => {
    mf = new Miniflare({
      modules: true,
      script: "export default { fetch() { return new Response('ok') } }",
      kvNamespaces: ["DOCS"],
      cf: false,
      host: "127.0.0.1",
    });
    kv = (await mf.getKVNamespace("DOCS")) as unknown as KVNamespace;
  }, 60_000);
  afterAll(() => mf?.dispose());
  return () => {
    if (!kv) throw new Error("workerdKv: used outside a test");
    return kv;
  };
}
