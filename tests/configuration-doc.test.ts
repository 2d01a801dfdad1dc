import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configurationPage, schemaVariables } from "../bin/config-doc.ts";
import { ENV_MEANINGS } from "../contract/index.ts";

/**
 * docs/configuration.md stays complete: it is what `npm run docs:config` writes from the env
 * schemas, every schema variable has a meaning, and every variable the product's code reads (or
 * a wrangler.toml binds) is on the page. Tests and benchmarks are left out of the scan: their
 * variables are for this repository's developers (docs/testing.md, docs/benchmarks.md).
 */
const sources = execFileSync(
  "git",
  ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.tsx", "*.mjs"],
  {
    encoding: "utf8",
  },
)
  .split("\n")
  .filter((f) => f && !/^(tests|bench)\//.test(f) && !/\.test\.tsx?$/.test(f));

const READS = [
  /process\.env\.([A-Z][A-Z0-9_]+)/g,
  /process\.env\[\s*["'`]([A-Z][A-Z0-9_]+)/g,
  /\b(?:env|vars)\??\.([A-Z][A-Z0-9_]{2,})\b/g,
  /Deno\.env\.get\(\s*["'`]([A-Z][A-Z0-9_]+)/g,
];

function variablesRead(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sources) {
    const text = readFileSync(file, "utf8");
    for (const pattern of READS)
      for (const match of text.matchAll(pattern))
        if (!found.has(match[1] as string)) found.set(match[1] as string, file);
  }
  return found;
}

function wranglerNames(): string[] {
  const names: string[] = [];
  for (const file of ["wrangler.toml", "sync-worker/wrangler.toml"]) {
    const text = readFileSync(file, "utf8");
    const vars = /\[vars\]\n([\s\S]*?)(?:\n\[|$)/.exec(text)?.[1] ?? "";
    for (const m of vars.matchAll(/^([A-Z][A-Z0-9_]*)\s*=/gm)) names.push(m[1] as string);
    for (const m of text.matchAll(/^binding\s*=\s*"([A-Z0-9_]+)"/gm)) names.push(m[1] as string);
  }
  return names;
}

describe("docs/configuration.md", () => {
  it("is what the generator writes from the env schemas (npm run docs:config)", () => {
    // Table cells compared without their padding: the formatter (Biome) aligns the columns.
    const cells = (md: string) => md.replace(/ *\| */g, "|").replace(/-{3,}/g, "---");
    expect(cells(readFileSync("docs/configuration.md", "utf8"))).toBe(cells(configurationPage()));
  });

  it("gives every schema variable a meaning, and lists nothing no one reads", () => {
    const schema = schemaVariables();
    expect([...schema.keys()].filter((name) => !ENV_MEANINGS[name]?.meaning)).toEqual([]);
    expect(Object.entries(ENV_MEANINGS).filter(([name, doc]) => !schema.has(name) && !doc.readBy)).toEqual(
      [],
    );
  });

  it("documents every variable the code reads and every wrangler.toml variable and binding", () => {
    const documented = new Set([...schemaVariables().keys(), ...Object.keys(ENV_MEANINGS)]);
    const read = variablesRead();
    expect(read.size).toBeGreaterThan(40); // the scan finds the services' reads at all
    const missing = [...read]
      .filter(([name]) => !documented.has(name))
      .map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
    expect(wranglerNames().filter((name) => !documented.has(name))).toEqual([]);
  });
});
