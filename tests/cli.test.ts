import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docKey } from "../contract/index.ts";
import { engines } from "./databases.ts";
import { freePort, waitFor } from "./event-receiver.ts";
import { startStack, TOKENS } from "./stack.ts";

const ROOT = resolve(import.meta.dirname, "..");
const run = promisify(execFile);

/** The `edge-cache` CLI as an operator runs it: a process talking to a real sync-worker. */
describe("edge-cache CLI", () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ["cli/bin.mjs", ...args], {
        cwd: ROOT,
        env: {
          ...process.env,
          SYNC_URL: stack.syncUrl,
          ADMIN_TOKEN: TOKENS.admin,
          EVENTS_TOKEN: TOKENS.events,
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  beforeAll(async () => {
    stack = await startStack(await (engines()[0] as NonNullable<ReturnType<typeof engines>[0]>).open(), {
      demoShops: 60,
    });
    stack.sync.start(0);
    await waitFor(async () => (await stack.store.countDocuments()).detail === 60, 20_000);
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
    await stack.db.close();
  });

  it("status prints a readable table, or JSON", async () => {
    const table = await cli("status");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/live lag \(1 min\)\s+p50 ([\d.]+ (ms|s)|—)/);
    expect(table.stdout).toMatch(/repair work \(1 min\)\s+(none|\d+ catch-up)/);
    expect(table.stdout).toMatch(/queue\s+memory, ready \d+, scheduled \d+/);
    expect(table.stdout).toMatch(/documents\s+60 detail/);
    expect(table.stdout).toMatch(/origin outbox\s+\d+ undelivered/);
    const json = JSON.parse((await cli("status", "--json")).stdout);
    expect(json.documents.detail).toBe(60);
  });

  it("resync --all shows progress and finishes", async () => {
    const res = await cli("resync", "--all");
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/resync \d+\/60/);
    expect(res.stdout).toMatch(/resync done: 60 shops rebuilt, 0 failed/);
  }, 60_000);

  it("purges, lists dead letters, and sends an event by hand", async () => {
    expect(JSON.parse((await cli("purge", "--shop", "s_demo_000001")).stdout)).toEqual({ purged: 1 });
    expect(await stack.store.get(docKey.detail("s_demo_000001"))).toBeNull();
    expect((await cli("purge", "--all")).stderr).toMatch(/--yes/);
    expect((await cli("dlq", "list")).stdout).toMatch(/no dead letters/);
    const sent = await cli("events", "send", "--type", "shop", "--id", "s_demo_000001");
    expect(JSON.parse(sent.stdout)).toEqual({ accepted: 1 });
    await waitFor(async () => (await stack.store.get(docKey.detail("s_demo_000001"))) !== null, 10_000);
  });

  it("a wrong token or an unreachable service is one actionable line", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "ec-cli-")), "token");
    await writeFile(file, "wrong-token\n");
    const refused = await cli("status", "--token-file", file);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/refused the token \(401\).*ADMIN_TOKEN/);
    const away = await cli("status", "--url", `http://127.0.0.1:${await freePort()}`);
    expect(away.code).toBe(1);
    expect(away.stderr.trim().split("\n")).toHaveLength(1);
    expect(away.stderr).toMatch(/cannot reach the sync-worker .*ECONNREFUSED.*SYNC_URL/);
  });
});
