import { resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(import.meta.dirname, "..");

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
