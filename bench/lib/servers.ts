import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort, waitFor } from "../../tests/event-receiver.ts";

const ROOT = resolve(import.meta.dirname, "../..");
// Every process the bench starts is ended with it, even when a section throws.
const started = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
});
export type Proc = { url: string; pid: number; stop(): Promise<void> };

/** A service entry as a process pinned by `taskset` (core 0 by default), ready once `/healthz` answers. */
export async function pinned(
  runtime: "node" | "bun" | "deno",
  entry: string,
  env: Record<string, string>,
  /** The port to wait on (and to give as PORT); a free one when omitted. */
  fixedPort?: number,
  /** CPU list for taskset: "0" for read throughput (wrk has core 1); "0,1" for pipeline runs. */
  cores = "0",
): Promise<Proc> {
  const port = fixedPort ?? (await freePort());
  const [bin, args] =
    runtime === "bun"
      ? [resolve(ROOT, "node_modules/.bin/bun"), [entry]]
      : runtime === "deno"
        ? [resolve(ROOT, "node_modules/.bin/deno"), ["run", "-A", entry]]
        : [process.execPath, ["--import", "tsx", entry]];
  const child = spawn("taskset", ["-c", cores, bin, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      DENO_NO_UPDATE_CHECK: "1",
      LOCAL_DEV: "1", // the dev tokens, unless a bench passes its own
      LOG_LEVEL: "warn",
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  started.add(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () =>
      fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    120_000,
    100,
  );
  return { url, pid: child.pid as number, stop: () => kill(child) };
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once("exit", () => r());
    child.kill("SIGTERM");
  });
}

/** An edge answer's own headers, without the date and length every server writes (nor the echo id). */
export const ownHeaders = (res: Response): Record<string, string> =>
  Object.fromEntries(
    [...res.headers].filter(([k]) => !["date", "content-length", "x-request-id"].includes(k)),
  );

/**
 * Bare `Bun.serve` / `Deno.serve` returning fixed bytes: the runtime's ceiling. With `headers`, the
 * same headers as the edge's answer, to tell what writing them costs from the edge's own work.
 */
export async function bare(
  runtime: "bun" | "deno",
  body: Uint8Array,
  headers?: Record<string, string>,
): Promise<Proc> {
  const dir = await mkdtemp(join(tmpdir(), "bare-"));
  await writeFile(join(dir, "body.json"), body);
  const env: Record<string, string> = { BODY_FILE: join(dir, "body.json") };
  if (headers) {
    await writeFile(join(dir, "headers.json"), JSON.stringify(headers));
    env.HEADERS_FILE = join(dir, "headers.json");
  }
  return pinned(runtime, runtime === "bun" ? "bench/bare-bun.ts" : "bench/bare-deno.ts", env);
}

/** nginx with proxy_cache in front of `upstream`, `ttl` seconds: one worker on core 0, or one per core. */
export async function nginx(upstream: string, ttl: number, workers = 1): Promise<Proc> {
  const dir = await mkdtemp(join(tmpdir(), "nginx-"));
  const port = await freePort();
  const affinity = workers === 1 ? "01" : "01 10";
  const conf = `daemon off; worker_processes ${workers}; worker_cpu_affinity ${affinity}; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; proxy_cache_path ${dir}/cache keys_zone=docs:10m max_size=100m;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  upstream up { server ${new URL(upstream).host}; keepalive 32; }
  server { listen 127.0.0.1:${port};
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_cache docs; proxy_cache_valid 200 ${ttl}s; proxy_cache_lock on; proxy_ignore_headers Cache-Control;
      add_header X-Nginx-Cache $upstream_cache_status; } } }`;
  await writeFile(join(dir, "nginx.conf"), conf);
  const child = spawn("nginx", ["-c", join(dir, "nginx.conf"), "-p", dir], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  started.add(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () =>
      fetch(url).then(
        () => true,
        () => false,
      ),
    10_000,
    100,
  );
  return { url, pid: child.pid as number, stop: () => kill(child) };
}

/** Peak resident memory of a process (Linux VmHWM), in MiB. */
export async function peakRssMiB(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
}
