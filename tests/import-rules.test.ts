import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Who may import whom. Services talk over HTTP or the queue, never through each other's
 * code; only the composition entry in `bin/` wires several services into one process.
 */
const ALLOWED: Record<string, string[]> = {
  contract: [],
  projection: ["contract"],
  store: ["contract"],
  origin: ["contract"],
  "sync-worker": ["contract", "projection", "store"],
  edge: ["contract", "projection", "store"],
  // The outbox relay for a team's own database: a tool the CLI runs, beside the services.
  relay: ["contract"],
  cli: ["contract", "relay"],
};
const ROOT = resolve(import.meta.dirname, "..");
const IMPORT = /(?:^|\s)(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(name) ? [path] : [];
  });
}

function violations(root = ROOT): string[] {
  const found: string[] = [];
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    // A folder the rules name must exist: renamed or gone, its rules would silently check nothing.
    if (!existsSync(join(root, folder))) {
      found.push(`${folder}/ is named in the rules but does not exist`);
      continue;
    }
    const files = sourceFiles(join(root, folder));
    for (const file of files) {
      // Tests may use the shared test helpers in tests/ on top of their folder's own rules.
      const extra = /\.test\.ts$|[\\/]test[\\/]/.test(file) ? ["tests"] : [];
      for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
        const spec = match[1] ?? match[2] ?? "";
        if (!spec.startsWith(".")) continue;
        const target = relative(root, resolve(dirname(file), spec)).split(sep)[0] ?? "";
        if (target === folder || allowed.includes(target) || extra.includes(target)) continue;
        found.push(`${relative(root, file)} imports ${spec} (${folder} → ${target})`);
      }
    }
  }
  return found;
}

describe("import rules between the services", () => {
  it("hold across the code base", () => {
    expect(violations()).toEqual([]);
  });

  it("catch a forbidden import", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import("node:fs");
    const tmp = mkdtempSync(join((await import("node:os")).tmpdir(), "rules-"));
    mkdirSync(join(tmp, "origin"));
    mkdirSync(join(tmp, "edge"));
    writeFileSync(join(tmp, "origin", "bad.ts"), 'import { x } from "../edge/app.ts";\n');
    writeFileSync(join(tmp, "edge", "app.ts"), 'export const x = await import("../origin/bad.ts");\n');
    const found = violations(tmp);
    expect(found.filter((v) => v.includes(" imports "))).toEqual([
      "origin/bad.ts imports ../edge/app.ts (origin → edge)",
      "edge/app.ts imports ../origin/bad.ts (edge → origin)",
    ]);
    // And a folder the rules name that is not there (renamed, say) is a finding, not a skip.
    expect(found).toContain("store/ is named in the rules but does not exist");
  });
});
