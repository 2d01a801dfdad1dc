import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

export type Load = { rps: number; p50Ms: number; p99Ms: number; errors: number; bytesPerReq: number };
const UNIT: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

const ms = (v: string | undefined) => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v ?? "");
  if (!m) return Number.NaN;
  return Number(m[1]) * (m[2] === "us" ? 0.001 : m[2] === "s" ? 1000 : 1);
};

/**
 * wrk on core 1 (servers are pinned to core 0), one thread, `--latency` for p50/p99. 64 connections:
 * the edge's p99 target is set at 64 (docs/benchmarks.md), and a closed loop's latency depends on how many it keeps open.
 */
export const CONNECTIONS = 64;

export function wrk(
  url: string,
  o: {
    seconds: number;
    connections?: number;
    script?: string;
    env?: Record<string, string>;
    headers?: Record<string, string>;
    /** taskset CPU list for wrk: core 1 by default (servers on core 0). */
    cores?: string;
  },
): Load {
  const args = [
    "-c",
    o.cores ?? "1",
    "wrk",
    "-t1",
    `-c${o.connections ?? CONNECTIONS}`,
    `-d${o.seconds}s`,
    "--latency",
  ];
  for (const [name, value] of Object.entries(o.headers ?? {})) args.push("-H", `${name}: ${value}`);
  if (o.script) args.push("-s", resolve(import.meta.dirname, o.script));
  const out = execFileSync("taskset", [...args, url], {
    encoding: "utf8",
    env: { ...process.env, ...o.env },
  });
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? "0";
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  // Bytes on the wire per answer, headers included: wrk's transfer rate over its request rate.
  const transfer = /Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB)/.exec(out);
  return {
    rps,
    bytesPerReq: transfer ? Math.round((Number(transfer[1]) * (UNIT[transfer[2] as string] ?? 1)) / rps) : 0,
    p50Ms: ms(/\s50%\s+(\S+)/.exec(out)?.[1]),
    p99Ms: ms(/\s99%\s+(\S+)/.exec(out)?.[1]),
    errors: Number(errors),
  };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
