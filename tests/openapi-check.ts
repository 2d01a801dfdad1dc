import { mkdir, writeFile } from "node:fs/promises";
import { BASIC } from "@hyperjump/json-schema/experimental";
import { validate } from "@hyperjump/json-schema/openapi-3-1";
import type { Recorded } from "./api-recorder.ts";
import { ARTIFACTS, artifact } from "./browser.ts";

type Doc = { paths: Record<string, Record<string, OpDoc>> };
type OpDoc = { responses: Record<string, ResponseDoc> };
type ResponseDoc = { headers?: Record<string, { required?: boolean }>; content?: Record<string, unknown> };

// Headers the API promises something about; one answered but not declared is a finding.
const WATCHED = ["etag", "age", "x-cache", "x-doc-version", "retry-after", "cache-control", "x-request-id"];
const pointer = (...parts: string[]) =>
  parts.map((p) => encodeURIComponent(p.replaceAll("~", "~0").replaceAll("/", "~1"))).join("/");

/**
 * Checks recorded answers against a service's OpenAPI document with a JSON Schema validator made for
 * OpenAPI 3.1 (@hyperjump/json-schema): the operation and status are declared, required headers are
 * there and every watched header is declared, and the body is of the declared type and schema.
 * Answers the problems found, one line each.
 */
export async function checkAnswers(name: string, doc: Doc, answers: Recorded[]): Promise<string[]> {
  // The validator reads schemas by URI, from disk; on a clean clone no browser test may have made the folder yet.
  await mkdir(ARTIFACTS, { recursive: true });
  const file = artifact(`${name}.openapi.json`);
  await writeFile(file, JSON.stringify(doc));
  // Literal paths before templated ones: /state/shops/ids is not /state/shops/{id}.
  const templates = Object.keys(doc.paths).sort((a, b) => a.split("{").length - b.split("{").length);
  const problems: string[] = [];
  for (const a of answers) {
    const at = `${a.method} ${a.path} → ${a.status}`;
    const template = templates.find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(a.path));
    const op = template ? doc.paths[template]?.[a.method.toLowerCase()] : undefined;
    if (!template || !op) {
      problems.push(`${at}: operation not in the document`);
      continue;
    }
    const res = op.responses[String(a.status)] ?? op.responses.default;
    if (!res) {
      problems.push(`${at}: status not declared`);
      continue;
    }
    const declared = new Map(Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    for (const [h, spec] of declared)
      if (spec.required && !a.headers.has(h)) problems.push(`${at}: required header ${h} missing`);
    for (const h of WATCHED)
      if (a.headers.has(h) && !declared.has(h)) problems.push(`${at}: header ${h} not declared`);
    const types = Object.keys(res.content ?? {});
    if (types.length === 0) {
      if (a.body !== "") problems.push(`${at}: a body where none is declared`);
      continue;
    }
    const type = a.headers.get("content-type") ?? "";
    if (!types.some((t) => t === "*/*" || type.startsWith(t))) {
      problems.push(`${at}: content-type ${type} not declared (${types.join(", ")})`);
      continue;
    }
    if (!type.startsWith("application/json")) continue;
    const uri = `file://${file}#/${pointer("paths", template, a.method.toLowerCase(), "responses", String(a.status) in op.responses ? String(a.status) : "default", "content", "application/json", "schema")}`;
    const out = await validate(uri, JSON.parse(a.body), BASIC);
    if (!out.valid)
      problems.push(
        `${at}: body does not match: ${(out.errors ?? [])
          .slice(0, 3)
          .map((e) => `${e.instanceLocation} ${e.keyword.split("/").at(-1)}`)
          .join("; ")}`,
      );
  }
  return problems;
}
