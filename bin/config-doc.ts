/**
 * Writes docs/configuration.md from the services' env schemas (defaults, allowed values, who reads
 * each variable) and contract/env-catalog.ts (what each means): `npm run docs:config`.
 * tests/configuration-doc.test.ts fails when the page differs from what this writes.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { EdgeVars, ENV_MEANINGS, OriginVars, QueryEnv, SyncWorkerVars } from "../contract/index.ts";
import { HeapEnv } from "../runtime/node.ts";

type Shape = z.ZodObject;
const READERS: [string, Shape][] = [
  ["origin", OriginVars],
  ["sync-worker", SyncWorkerVars],
  ["edge", EdgeVars],
  ["`npm run query`", QueryEnv],
  ["Node entries holding the memory store", HeapEnv],
];

type JsonProp = { enum?: unknown[]; type?: string; minimum?: number; maximum?: number };
type Variable = { readers: string[]; defaults: Map<string, unknown>; prop: JsonProp };

// Every service parses every token variable; these are the ones each one uses (the rest are ignored).
const TOKEN_READERS: Record<string, string[]> = {
  EVENTS_TOKEN: ["origin (sends)", "sync-worker"],
  ADMIN_TOKEN: ["sync-worker"],
  STATE_TOKEN: ["origin", "sync-worker (sends)", "edge (sends)"],
  METRICS_TOKEN: ["origin", "sync-worker", "edge"],
};
const REQUIRED_TOKENS = new Set(["EVENTS_TOKEN", "ADMIN_TOKEN", "STATE_TOKEN"]);

/** A schema's default, read through its wrappers (the JSON Schema of a string-bool drops it). */
function zodDefault(schema: unknown): unknown {
  const def = (
    schema as { _zod?: { def?: { type: string; defaultValue?: unknown; innerType?: unknown; in?: unknown } } }
  )._zod?.def;
  if (!def) return undefined;
  if (def.type === "default") return def.defaultValue;
  return def.innerType ? zodDefault(def.innerType) : def.in ? zodDefault(def.in) : undefined;
}

/** Every variable a service schema reads, with its readers, defaults and allowed values. */
export function schemaVariables(): Map<string, Variable> {
  const out = new Map<string, Variable>();
  for (const [reader, schema] of READERS) {
    const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
      properties: Record<string, JsonProp>;
    };
    for (const [name, prop] of Object.entries(json.properties)) {
      const seen: Variable = out.get(name) ?? { readers: [], defaults: new Map(), prop };
      seen.readers.push(reader);
      seen.defaults.set(reader, zodDefault(schema.shape[name]));
      out.set(name, seen);
    }
  }
  return out;
}

const cell = (s: string) => s.replaceAll("|", "\\|");
const code = (v: unknown) => `\`${String(v)}\``;
function defaultOf(name: string, v: Variable): string {
  if (REQUIRED_TOKENS.has(name)) return "required (a dev default with `LOCAL_DEV=1`)";
  const distinct = new Set([...v.defaults.values()].map(String));
  if (distinct.size > 1) return [...v.defaults].map(([reader, d]) => `${code(d)} (${reader})`).join(", ");
  const only = [...v.defaults.values()][0];
  return only === undefined || only === "" ? "—" : code(only);
}
function valuesOf(v: Variable): string {
  const { prop } = v;
  if (prop.enum) return prop.enum.map(code).join(", ");
  if (typeof [...v.defaults.values()][0] === "boolean") return "`true`, `false` (also 1/0, yes/no, on/off)";
  const bounded = (n: number | undefined) => (n !== undefined && Math.abs(n) < 1e15 ? n : undefined);
  const [min, max] = [bounded(prop.minimum), bounded(prop.maximum)];
  const range = min !== undefined || max !== undefined ? ` ${min ?? ""}–${max ?? ""}` : "";
  return `${prop.type ?? "string"}${range}`;
}

export function configurationPage(): string {
  const vars = schemaVariables();
  const rows = [...vars].map(([name, v]) => {
    const meaning = ENV_MEANINGS[name]?.meaning ?? "";
    const readers = TOKEN_READERS[name] ?? v.readers;
    return `| \`${name}\` | ${defaultOf(name, v)} | ${valuesOf(v)} | ${readers.join(", ")} | ${cell(meaning)} |`;
  });
  const others = Object.entries(ENV_MEANINGS)
    .filter(([name, doc]) => doc.readBy && !vars.has(name))
    .map(([name, doc]) => `| \`${name}\` | ${doc.default ?? "—"} | ${doc.readBy} | ${cell(doc.meaning)} |`);
  return `# Configuration

Every variable a part of edge-cache reads, generated from the env schemas (\`contract/env.ts\`) and
their descriptions (\`contract/env-catalog.ts\`) by \`npm run docs:config\`; a test fails when this page
falls behind the code. A wrong value stops a server process at start with a message naming the
variable; a Worker answers 503 \`not_configured\` on the routes a missing secret guards. Tokens, and
who holds each: [security.md](security.md#tokens).

## Services

| variable | default | values | read by | meaning |
| --- | --- | --- | --- | --- |
${rows.join("\n")}

## The CLI, the relay, the launcher and Workers bindings

The CLI (\`npx edge-cache\`) also reads \`SYNC_URL\`, \`EDGE_URL\`, \`ADMIN_TOKEN\`, \`EVENTS_TOKEN\` and
\`STATE_TOKEN\` (or \`--token-file\`); its relay reads \`DATABASE_URL\`, \`EVENTS_TOKEN\` and \`LOG_LEVEL\`.
On Workers the variables above are \`[vars]\` in \`wrangler.toml\` and secrets set with
\`wrangler secret put\` ([deployment.md](deployment.md#cloudflare-workers)).

| name | default | read by | meaning |
| --- | --- | --- | --- |
${others.join("\n")}
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync("docs/configuration.md", configurationPage());
  console.log("docs/configuration.md written");
}
