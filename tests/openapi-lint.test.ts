import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { edgeOpenApi, originOpenApi, syncOpenApi } from "../contract/index.ts";
import { PACKAGE_VERSION } from "../contract/version.ts";

/**
 * The documents pass the linter API tooling runs (Redocly CLI, its recommended rules, redocly.yaml):
 * every operation says who may call it, the document names its server and license. Exceptions
 * are listed by pointer in .redocly.lint-ignore.yaml, each with its reason.
 */
const run = promisify(execFile);
const dir = "test-artifacts/openapi";

describe("OpenAPI documents pass redocly lint (recommended rules)", () => {
  it("edge, sync-worker and origin", async () => {
    mkdirSync(dir, { recursive: true });
    const files = Object.entries({
      edge: edgeOpenApi,
      "sync-worker": syncOpenApi,
      origin: originOpenApi,
    }).map(([name, spec]) => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, `${JSON.stringify(spec(), null, 2)}\n`);
      return file;
    });
    const result = await run(
      process.execPath,
      ["node_modules/@redocly/cli/bin/cli.js", "lint", "--format=stylish", ...files],
      { env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } },
    ).catch((error: { stdout: string; stderr: string; code: number }) => error);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output, output).not.toMatch(/\b(error|warning)\b +[a-z0-9-]+/);
    expect("code" in result ? result.code : 0, output).toBe(0);
  }, 60_000);

  it("names the release package.json names", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(PACKAGE_VERSION).toBe(pkg.version);
    expect(edgeOpenApi().info.version).toBe(pkg.version);
  });
});
