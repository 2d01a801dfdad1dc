import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { DEV_TOKENS } from "../contract/tokens.ts";
import { originDataDir } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";

const ROOT = resolve(import.meta.dirname, "..");

export type Service = {
  proc: ChildProcess;
  url: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
};

export type Runtime = "node" | "bun" | "deno";

/** How each runtime runs a TypeScript entry as one process, so signals reach the service itself. */
function command(runtime: Runtime, entry: string, nodeArgs: string[] = []): [string, string[]] {
  if (runtime === "bun") return [resolve(ROOT, "node_modules/.bin/bun"), [entry]];
  if (runtime === "deno") return [resolve(ROOT, "node_modules/.bin/deno"), ["run", "-A", entry]];
  return [process.execPath, [...nodeArgs, "--import", "tsx", entry]];
}

/** Reads /metrics and /healthz's details of a service started in local mode (the dev token). */
export const DEV_METRICS = { authorization: `Bearer ${DEV_TOKENS.METRICS_TOKEN}` };
/** Reads the state API of an origin started in local mode, as the query side does. */
export const DEV_STATE = { authorization: `Bearer ${DEV_TOKENS.STATE_TOKEN}` };

/** Starts a service entry as a real process on a runtime and waits for its /healthz. */
export async function startService(
  entry: string,
  env: Record<string, string>,
  port: number,
  timeoutMs = 60_000,
  runtime: Runtime = "node",
  /** Node flags before the entry (`--cpu-prof` may not go through NODE_OPTIONS). */
  nodeArgs: string[] = [],
): Promise<Service> {
  const [bin, args] = command(runtime, entry, nodeArgs);
  const proc = spawn(bin, args, {
    cwd: ROOT,
    // Local mode (dev tokens) unless a test sets LOCAL_DEV itself: contract/tokens.ts.
    env: {
      ...process.env,
      DENO_NO_UPDATE_CHECK: "1",
      LOCAL_DEV: "1",
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  proc.stdout?.on("data", (d) => (output += d));
  proc.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (proc.exitCode !== null) throw new Error(`${entry} exited early:\n${output}`);
      return fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    timeoutMs,
    100,
  );
  return {
    proc,
    url,
    output: () => output,
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/**
 * The reference origin as a process on a PGlite data dir of its own with `shops` demo shops, for
 * suites that run services against it; `stop()` also removes the data dir.
 */
export async function startDemoOrigin(shops = 20): Promise<Service> {
  const { rm } = await import("node:fs/promises");
  const { freePort } = await import("./event-receiver.ts");
  const dataDir = await originDataDir("origin-demo-");
  const origin = await startService(
    "origin/entry/node.ts",
    { DATABASE_URL: "", ORIGIN_DATA_DIR: dataDir, DEMO_SHOPS: String(shops), LOG_LEVEL: "warn" },
    await freePort(),
  );
  return {
    ...origin,
    async stop(signal) {
      const code = await origin.stop(signal);
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
