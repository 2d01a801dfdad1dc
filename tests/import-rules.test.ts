import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Who may import whom (docs/architecture.md draws it). Layers, bottom up: `contract/` (schemas,
 * keys, env, the OpenAPI: no I/O), `runtime/` (serving, logging, metrics, limits, auth), `clients/`
 * (the origin's state API with its breaker, the event relay), then the services. Services talk over
 * HTTP or the queue, never through each other's code; only `bin/` wires several into one process.
 */
const ALLOWED: Record<string, string[]> = {
  contract: [],
  runtime: ["contract"],
  clients: ["contract", "runtime"],
  projection: ["contract"],
  store: ["contract"],
  origin: ["contract", "runtime", "clients"],
  "sync-worker": ["contract", "runtime", "clients", "projection", "store"],
  edge: ["contract", "runtime", "clients", "projection", "store"],
  // The outbox relay for a team's own database: a tool the CLI runs, beside the services.
  relay: ["contract", "runtime", "clients"],
  cli: ["contract", "runtime", "relay"],
  bin: ["contract", "runtime", "clients", "projection", "store", "origin", "sync-worker", "edge"],
};
const ROOT = resolve(import.meta.dirname, "..");
const IMPORT = /(?:^|\s)(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
const isTest = (file: string) => /\.test\.ts$|[\\/]test[\\/]/.test(file);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Each file's relative imports, as paths from the root. */
function imports(root: string, file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(IMPORT)]
    .map((m) => m[1] ?? m[2] ?? "")
    .filter((spec) => spec.startsWith("."))
    .map((spec) => relative(root, resolve(dirname(file), spec)));
}

function violations(root = ROOT): string[] {
  const found: string[] = [];
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    // A folder the rules name must exist: renamed or gone, its rules would silently check nothing.
    if (!existsSync(join(root, folder))) {
      found.push(`${folder}/ is named in the rules but does not exist`);
      continue;
    }
    for (const file of sourceFiles(join(root, folder))) {
      // Tests may use the shared test helpers in tests/ on top of their folder's own rules.
      const extra = isTest(file) ? ["tests"] : [];
      for (const path of imports(root, file)) {
        const target = path.split(sep)[0] ?? "";
        if (target === folder || allowed.includes(target) || extra.includes(target)) continue;
        found.push(`${relative(root, file)} imports ${path} (${folder} → ${target})`);
      }
    }
  }
  return found;
}

/** Import circles among the non-test sources of the ruled folders, type-only imports included. */
function circles(root = ROOT): string[] {
  const graph = new Map<string, string[]>();
  for (const folder of Object.keys(ALLOWED).filter((f) => existsSync(join(root, f))))
    for (const file of sourceFiles(join(root, folder)).filter((f) => !isTest(f)))
      graph.set(relative(root, file), imports(root, file));
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (node: string, path: string[]) => {
    if (state.get(node) === "done") return;
    if (state.get(node) === "open") {
      found.push([...path.slice(path.indexOf(node)), node].join(" → "));
      return;
    }
    state.set(node, "open");
    for (const next of graph.get(node) ?? []) if (graph.has(next)) visit(next, [...path, node]);
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) visit(node, []);
  return found;
}

describe("import rules between the layers and services", () => {
  it("hold across the code base", () => {
    expect(violations()).toEqual([]);
  });

  it("leave no import circle", () => {
    expect(circles()).toEqual([]);
  });

  it("catch a forbidden import and a circle", () => {
    const tmp = mkdtempSync(join(tmpdir(), "rules-"));
    mkdirSync(join(tmp, "origin"));
    mkdirSync(join(tmp, "edge"));
    writeFileSync(join(tmp, "origin", "bad.ts"), 'import { x } from "../edge/app.ts";\n');
    writeFileSync(join(tmp, "edge", "app.ts"), 'export const x = await import("../origin/bad.ts");\n');
    const found = violations(tmp);
    expect(found.filter((v) => v.includes(" imports "))).toEqual([
      `origin${sep}bad.ts imports edge${sep}app.ts (origin → edge)`,
      `edge${sep}app.ts imports origin${sep}bad.ts (edge → origin)`,
    ]);
    // And a folder the rules name that is not there (renamed, say) is a finding, not a skip.
    expect(found).toContain("store/ is named in the rules but does not exist");
    expect(circles(tmp)).toEqual([`edge${sep}app.ts → origin${sep}bad.ts → edge${sep}app.ts`]);
  });
});
