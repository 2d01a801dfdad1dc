/**
 * Profile the Deno edge's hot detail path under wrk. Deno has no --cpu-prof, so the edge runs with
 * --inspect and this script drives V8's profiler over the DevTools protocol: origin on PGlite (demo),
 * edge pinned to core 0, wrk on core 1. `--bare` profiles bare `Deno.serve` (bench/bare-deno.ts)
 * answering the same bytes instead, to tell the runtime's own cost from the edge's.
 *
 *   node --experimental-websocket --import tsx bench/profile-edge-deno.ts [--bare] [--seconds 6]
 *   node --import tsx bench/profile-top.ts /tmp/prof/deno/edge.cpuprofile
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../tests/event-receiver.ts";
import { startService } from "../tests/process.ts";
import { benchArgs } from "./lib/args.ts";

const args = benchArgs({ bare: false, seconds: "6" });
const dir = await mkdtemp(join(tmpdir(), "prof-deno-"));
const path = "/v1/shops/s_demo_000001";
const origin = await startService(
  "origin/entry/node.ts",
  { DATABASE_URL: "", ORIGIN_DATA_DIR: join(dir, "origin"), DEMO_SHOPS: "50", LOG_LEVEL: "warn" },
  await freePort(),
);
const [port, inspect] = [await freePort(), await freePort()];
let bodyFile = "";
if (args.bare) {
  bodyFile = join(dir, "body.json");
  await writeFile(
    bodyFile,
    new Uint8Array(await (await fetch(`${origin.url}/state/shops/s_demo_000001`)).arrayBuffer()),
  );
}
const entry = args.bare ? "bench/bare-deno.ts" : "edge/entry/deno.ts";
const server = spawn(
  "taskset",
  ["-c", "0", "node_modules/.bin/deno", "run", "-A", `--inspect=127.0.0.1:${inspect}`, entry],
  {
    env: {
      ...process.env,
      PORT: String(port),
      ORIGIN_URL: origin.url,
      LOG_LEVEL: "warn",
      BODY_FILE: bodyFile,
    },
    stdio: ["ignore", "ignore", "inherit"],
  },
);
const url = `http://127.0.0.1:${port}${path}`;
try {
  await waitFor(
    () =>
      fetch(url).then(
        (r) => r.ok,
        () => false,
      ),
    20_000,
    100,
  );
  const [target] = (await (await fetch(`http://127.0.0.1:${inspect}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const ws = new WebSocket(target?.webSocketDebuggerUrl as string);
  await new Promise((res) => ws.addEventListener("open", res, { once: true }));
  let next = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<Record<string, unknown>>((res) => {
      const id = ++next;
      const onMessage = (e: MessageEvent) => {
        const msg = JSON.parse(String(e.data)) as { id?: number; result?: Record<string, unknown> };
        if (msg.id !== id) return;
        ws.removeEventListener("message", onMessage);
        res(msg.result ?? {});
      };
      ws.addEventListener("message", onMessage);
      ws.send(JSON.stringify({ id, method, params }));
    });
  // Warm up first (JIT), then profile a steady window.
  execFileSync("taskset", ["-c", "1", "wrk", "-t1", "-c64", "-d2s", url]);
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  const out = execFileSync(
    "taskset",
    ["-c", "1", "wrk", "-t1", "-c64", `-d${args.seconds}s`, "--latency", url],
    {
      encoding: "utf8",
    },
  );
  const { profile } = await call("Profiler.stop");
  console.log(
    out
      .split("\n")
      .filter((l) => /Requests\/sec| 50%| 99%/.test(l))
      .join("\n"),
  );
  await mkdir("/tmp/prof/deno", { recursive: true });
  const file = `/tmp/prof/deno/${args.bare ? "bare" : "edge"}.cpuprofile`;
  await writeFile(file, JSON.stringify(profile));
  console.log(`profile: ${file}`);
  ws.close();
} finally {
  server.kill("SIGTERM");
  await origin.stop();
}
