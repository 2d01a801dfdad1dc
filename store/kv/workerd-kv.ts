import { resolve } from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { createKvStore } from "./kv-store.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * Bundles a Workers entry the way wrangler does (esbuild, ESM, workerd conditions) and answers the
 * module's source, so Miniflare runs the very code `wrangler deploy` ships inside workerd.
 */
export async function bundleWorker(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [resolve(ROOT, entry)],
    write: false,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser", "import"],
    mainFields: ["module", "main"],
    logLevel: "error",
  });
  return (result.outputFiles[0] as { text: string }).text;
}

/** The list shards' binding as a Workers config declares it, for Miniflare. */
export const LIST_SHARDS = { LISTS: { className: "ListShard", useSQLite: true } };

export type WorkerdKv = { kv: KVNamespace; lists: DurableObjectNamespace; dispose: () => Promise<void> };

/**
 * A KV namespace and the list shards (Durable Objects with SQLite) inside workerd (Miniflare), for
 * tests and benches. Miniflare's KV is immediately consistent and enforces none of production's
 * limits; wrap it in limits.ts for those.
 */
export async function openWorkerdKv(): Promise<WorkerdKv> {
  const mf = new Miniflare({
    modules: true,
    script: await bundleWorker("store/kv/workerd-entry.ts"),
    compatibilityDate: "2026-04-26",
    kvNamespaces: ["DOCS"],
    durableObjects: LIST_SHARDS,
    cf: false,
    host: "127.0.0.1",
  });
  return {
    kv: (await mf.getKVNamespace("DOCS")) as unknown as KVNamespace,
    lists: namespaceOver(await mf.ready),
    dispose: () => mf.dispose(),
  };
}

/**
 * The list shards of the Worker at `base` (workerd-entry.ts) as a namespace: what the KV store uses
 * of one — a stub per name, and its fetch — over HTTP.
 */
function namespaceOver(base: URL): DurableObjectNamespace {
  return {
    idFromName: (name: string) => ({ name }),
    get: (id: { name: string }) => ({
      fetch: (_url: string, init: RequestInit) =>
        fetch(new URL(`/shard/${encodeURIComponent(id.name)}`, base), init),
    }),
  } as unknown as DurableObjectNamespace;
}

type Hook = (fn: () => unknown, timeout?: number) => void;

/** For a test file: workerd opened before its tests and disposed after (pass vitest's hooks). */
export function workerdKv(hooks: { beforeAll: Hook; afterAll: Hook }): () => Omit<WorkerdKv, "dispose"> {
  let opened: WorkerdKv | undefined;
  hooks.beforeAll(async () => {
    opened = await openWorkerdKv();
  }, 60_000);
  hooks.afterAll(() => opened?.dispose());
  return () => {
    if (!opened) throw new Error("workerdKv: used outside a test");
    return opened;
  };
}

/** The KV store over a Miniflare's `DOCS` and `LISTS` bindings: what a Worker inside it reads. */
export async function kvStoreIn(mf: Miniflare, prefix: string) {
  const kv = (await mf.getKVNamespace("DOCS")) as unknown as KVNamespace;
  const lists = (await mf.getDurableObjectNamespace("LISTS")) as unknown as DurableObjectNamespace;
  return createKvStore(kv, { prefix, lists });
}
