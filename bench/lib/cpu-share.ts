import { readdir, readFile } from "node:fs/promises";

/** CPU seconds used so far by a process (Linux /proc: utime + stime, in clock ticks of 1/100 s). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

/** Every PostgreSQL server process (backends and background workers) on this machine. */
async function postgresPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const comm = await readFile(`/proc/${name}/comm`, "utf8").catch(() => "");
    if (comm.startsWith("postgres")) pids.push(Number(name));
  }
  return pids;
}

/** The whole machine's busy CPU seconds so far (every process and the kernel: /proc/stat's cpu line). */
async function machineBusySeconds(): Promise<number> {
  const line = (await readFile("/proc/stat", "utf8")).split("\n")[0] ?? "";
  const ticks = line.split(/\s+/).slice(1).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / 100; // less idle and iowait
}

/**
 * Where the CPU went over a window, per part of the pipeline: each named process, PostgreSQL's
 * processes summed, and the machine as a whole — the parts leave out the kernel's own work (the
 * loopback network, softirqs) and every other process, which the machine's figure holds. Answers a function that, called at the window's end, gives each part's share
 * of one core (100 = one core busy the whole window).
 */
export async function cpuShare(named: Record<string, number>) {
  const started = performance.now();
  const before = new Map<string, number>();
  for (const [name, pid] of Object.entries(named)) before.set(name, await cpuSeconds(pid));
  const pg = async () => {
    let sum = 0;
    for (const pid of await postgresPids()) sum += await cpuSeconds(pid);
    return sum;
  };
  const pgBefore = await pg();
  const machineBefore = await machineBusySeconds();
  return async (): Promise<Record<string, number>> => {
    const seconds = (performance.now() - started) / 1000;
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(named))
      out[name] = Math.round((((await cpuSeconds(pid)) - (before.get(name) ?? 0)) / seconds) * 100);
    out.postgres = Math.round((((await pg()) - pgBefore) / seconds) * 100);
    out["machine (all, kernel too)"] = Math.round(
      (((await machineBusySeconds()) - machineBefore) / seconds) * 100,
    );
    return out;
  };
}
