import { spawn } from "node:child_process";
import { EdgeEnv, parseEnv } from "../../contract/index.ts";
import { bunServe, runBunEntry } from "../../runtime/bun.ts";
import { childOf } from "../../runtime/supervise.ts";
import { startEdgeProcesses } from "../processes.ts";

// EDGE_PROCESSES > 1: this entry again per child, sharing the port with SO_REUSEPORT.
const child = () =>
  childOf(
    spawn(process.execPath, process.argv.slice(1), {
      env: { ...process.env, EDGE_WORKER: "1" },
      stdio: "inherit",
    }),
  );
await runBunEntry(() => startEdgeProcesses(parseEnv(EdgeEnv, process.env), bunServe, process.env, child));
