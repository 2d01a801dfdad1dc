import { Miniflare } from "miniflare";

/**
 * A KV namespace inside workerd (Miniflare), for tests and benches. Miniflare's KV is immediately
 * consistent and enforces none of production's limits; wrap it in limits.ts for those.
 */
export async function openWorkerdKv(): Promise<{ kv: KVNamespace; dispose: () => Promise<void> }> {
  const mf = new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response('ok') } }",
    kvNamespaces: ["DOCS"],
    cf: false,
    host: "127.0.0.1",
  });
  return { kv: (await mf.getKVNamespace("DOCS")) as unknown as KVNamespace, dispose: () => mf.dispose() };
}

type Hook = (fn: () => unknown, timeout?: number) => void;

/** For a test file: the namespace opened before its tests and disposed after (pass vitest's hooks). */
export function workerdKv(hooks: { beforeAll: Hook; afterAll: Hook }): () => KVNamespace {
  let opened: Awaited<ReturnType<typeof openWorkerdKv>> | undefined;
  hooks.beforeAll(async () => {
    opened = await openWorkerdKv();
  }, 60_000);
  hooks.afterAll(() => opened?.dispose());
  return () => {
    if (!opened) throw new Error("workerdKv: used outside a test");
    return opened.kv;
  };
}
