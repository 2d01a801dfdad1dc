/**
 * `npm run dev:workers`: the edge and the sync-worker as Workers under `wrangler dev`, on 8787 and
 * 8788, against an origin on Node (`npm run origin`). Two wrangler processes, because only the first
 * Worker of a multi-config `wrangler dev` listens on a port and the origin must reach the ingest.
 * They share one local state directory, so both see the same KV namespace; the Queue (and its DLQ)
 * and the catch-up cron belong to the sync-worker alone. Ctrl-C stops both.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const wrangler = resolve(ROOT, "node_modules/.bin/wrangler");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
// LOCAL_DEV: the development tokens, which a deployed Worker never takes (docs/security.md).
const common = [
  "dev",
  "--ip",
  "127.0.0.1",
  "--persist-to",
  ".wrangler/state",
  "--test-scheduled",
  "--var",
  "LOCAL_DEV:1",
];
const children: ChildProcess[] = [
  spawn(
    wrangler,
    [...common, "-c", "wrangler.toml", "--port", process.env.EDGE_PORT ?? "8787", "--inspector-port", "9230"],
    { cwd: ROOT, env, stdio: "inherit" },
  ),
  spawn(
    wrangler,
    [
      ...common,
      "-c",
      "sync-worker/wrangler.toml",
      "--port",
      process.env.SYNC_PORT ?? "8788",
      "--inspector-port",
      "9231",
    ],
    { cwd: ROOT, env, stdio: "inherit" },
  ),
];
const stop = () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGINT");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const c of children) c.once("exit", stop);
