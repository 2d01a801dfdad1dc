import { spawn } from "node:child_process";
import { EdgeEnv, parseEnv } from "../../contract/index.ts";
import { denoEnv, denoServe, runDenoEntry } from "../../runtime/deno.ts";
import { childOf } from "../../runtime/supervise.ts";
import { startEdgeProcesses } from "../processes.ts";

// EDGE_PROCESSES > 1: this entry again per child, sharing the port with SO_REUSEPORT (unstable in Deno 2).
const child = () =>
  childOf(
    spawn(process.execPath, ["run", "-A", "--unstable-net", process.argv[1] as string], {
      env: { ...denoEnv(), EDGE_WORKER: "1" },
      stdio: "inherit",
    }),
  );
await runDenoEntry(() => startEdgeProcesses(parseEnv(EdgeEnv, denoEnv()), denoServe, denoEnv(), child));
