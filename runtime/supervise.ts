import type { Logger } from "./log.ts";

/** One child process as the supervisor sees it: node:child_process or node:cluster alike. */
export type Child = {
  pid: number | undefined;
  kill(signal: "SIGTERM" | "SIGKILL"): void;
  onExit(handler: (code: number | null, signal: string | null) => void): void;
};

export type SuperviseOptions = {
  count: number;
  /** Starts child `index` (0-based); the child serves the shared port itself. */
  spawn: (index: number) => Child;
  logger: Logger;
  /** A child that dies sooner than this after its start counts as crashing: restarts back off. */
  minUptimeMs?: number;
};

/**
 * Keeps `count` edge processes running on one port (one per core, as nginx's worker_processes
 * does): a child that exits is logged and started again — at once when it had run a while, with a
 * growing delay (up to 30 s) when it keeps crashing at start, so a broken config does not spin.
 * `stop()` asks every child to stop (SIGTERM), then kills what is left after 10 s.
 */
export function supervise(o: SuperviseOptions) {
  let stopping = false;
  const children = new Map<number, Child>();
  const crashes = new Map<number, number>();
  const start = (index: number) => {
    const started = Date.now();
    const child = o.spawn(index);
    children.set(index, child);
    child.onExit((code, signal) => {
      children.delete(index);
      if (stopping) return;
      const quick = Date.now() - started < (o.minUptimeMs ?? 5000);
      const n = quick ? (crashes.get(index) ?? 0) + 1 : 0;
      crashes.set(index, n);
      const restartInMs = n === 0 ? 0 : Math.min(30_000, 250 * 2 ** (n - 1));
      o.logger.warn("edge.process_exited", { index, pid: child.pid, code, signal, restartInMs });
      setTimeout(() => {
        if (!stopping) start(index);
      }, restartInMs);
    });
  };
  for (let i = 0; i < o.count; i++) start(i);
  o.logger.info("edge.processes", { count: o.count, pids: [...children.values()].map((c) => c.pid) });
  return {
    pids: () => [...children.values()].map((c) => c.pid),
    async stop() {
      stopping = true;
      const exits = [...children.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            c.onExit(() => resolve());
            c.kill("SIGTERM");
          }),
      );
      const timer = setTimeout(() => {
        for (const c of children.values()) c.kill("SIGKILL");
      }, 10_000);
      await Promise.all(exits);
      clearTimeout(timer);
    },
  };
}

/** A node:child_process child (Bun and Deno ship the module too) as a supervised Child. */
export function childOf(cp: {
  pid?: number | undefined;
  kill(signal: "SIGTERM" | "SIGKILL"): boolean;
  once(event: "exit", handler: (code: number | null, signal: string | null) => void): unknown;
}): Child {
  return { pid: cp.pid, kill: (s) => void cp.kill(s), onExit: (h) => void cp.once("exit", h) };
}
