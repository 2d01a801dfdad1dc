import cluster from "node:cluster";
import { EdgeEnv, parseEnv } from "../../contract/index.ts";
import { nodeServe, runNodeEntry } from "../../runtime/node.ts";
import { startEdgeProcesses } from "../processes.ts";

// EDGE_PROCESSES > 1: node:cluster workers share the port (Node 20's listen has no reusePort).
const child = () => {
  const worker = cluster.fork({ EDGE_WORKER: "1" });
  return {
    pid: worker.process.pid,
    kill: (signal: "SIGTERM" | "SIGKILL") => void worker.process.kill(signal),
    onExit: (h: (code: number | null, signal: string | null) => void) => void worker.once("exit", h),
  };
};
await runNodeEntry(() => startEdgeProcesses(parseEnv(EdgeEnv, process.env), nodeServe, process.env, child));
