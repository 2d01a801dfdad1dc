import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type AssetLoader, DOC_ASSETS } from "./docs.ts";

/** swagger-ui-dist from node_modules, for the server runtimes (Node, Bun and Deno all read files). */
export const swaggerAssets: AssetLoader = async (file) => {
  if (!DOC_ASSETS[file]) return null;
  const dir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  return new Uint8Array(await readFile(join(dir, file)));
};
