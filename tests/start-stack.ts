import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { expect } from "vitest";
import { freePort, waitFor } from "./event-receiver.ts";
import type { Runtime } from "./process.ts";

export const ROOT = resolve(import.meta.dirname, "..");
/** `npm start` (or start:bun / start:deno) on free ports, its output kept. */
export async function launch(runtime: Runtime, dataDir: string) {
  const ports = {
    EDGE_PORT: String(await freePort()),
    SYNC_PORT: String(await freePort()),
    ORIGIN_PORT: String(await freePort()),
  };
  const [bin, args] =
    runtime === "node"
      ? [process.execPath, ["--import", "tsx", "bin/start.ts"]]
      : runtime === "bun"
        ? [resolve(ROOT, "node_modules/.bin/bun"), ["bin/start.ts", "--runtime=bun"]]
        : [resolve(ROOT, "node_modules/.bin/deno"), ["run", "-A", "bin/start.ts", "--runtime=deno"]];
  const proc: ChildProcess = spawn(bin, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...ports,
      DATABASE_URL: "",
      STORE: "memory",
      QUEUE: "memory",
      ORIGIN_DATA_DIR: dataDir,
      DEMO_SHOPS: "200",
      LOG_LEVEL: "warn",
      DENO_NO_UPDATE_CHECK: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  proc.stdout?.on("data", (d) => (output += d));
  proc.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  return {
    proc,
    output: () => output,
    exited,
    edge: `http://127.0.0.1:${ports.EDGE_PORT}`,
    sync: `http://127.0.0.1:${ports.SYNC_PORT}`,
    origin: `http://127.0.0.1:${ports.ORIGIN_PORT}`,
  };
}

/** What a new user does: start the stack, read a demo list, change a shop, see it at the edge. */
export async function expectWorkingStack(
  stack: Awaited<ReturnType<typeof launch>>,
  shopId: string,
  name: string,
) {
  await waitFor(
    async () =>
      (await fetch(`${stack.edge}/v1/shops?region=gangnam&category=chicken`).then(
        (r) => r.status,
        () => 0,
      )) === 200,
    60_000,
    200,
  );
  await waitFor(
    async () =>
      (await fetch(`${stack.edge}/v1/shops/${shopId}`).then(
        (r) => r.status,
        () => 0,
      )) === 200,
    10_000,
  );
  // The 1 s bound is for steady state: let the first build (the relay's events and the first
  // catch-up) settle — until the processed count stops moving.
  let last = -1;
  await waitFor(
    async () => {
      const status = await fetch(`${stack.sync}/admin/status`, {
        headers: { authorization: "Bearer dev-admin-token" },
      });
      const processed = ((await status.json()) as { counters: { eventsProcessed: number } }).counters
        .eventsProcessed;
      const settled = processed >= 200 && processed === last;
      last = processed;
      return settled;
    },
    60_000,
    500,
  );
  const patch = await fetch(`${stack.origin}/shops/${shopId}`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  expect(patch.status).toBe(200);
  // How soon a change shows is measured in bench/, not here: this only catches a change that never does.
  await waitFor(
    async () =>
      ((await (await fetch(`${stack.edge}/v1/shops/${shopId}`)).json()) as { name: string }).name === name,
    10_000,
    10,
  );
}
