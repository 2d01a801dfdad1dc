import { cpuShare } from "./cpu-share.ts";

type TraceStatus = {
  queue: { ready?: number; inFlight?: number };
  lag: { count: number; p99: number | null; max: number | null };
  repair: { totals: Record<string, number> };
};

/** Commands answered so far in the window: when each was sent (ms since the window began) and how long it took. */
export const answers: { at: number; ms: number }[] = [];

/**
 * `BENCH_TRACE=1`: where a backlog or a stall sits, every half second of the measured window — each
 * process's CPU over that half second, the origin's outbox, the sync-worker's queue, repair work
 * (ad timers, catch-up) done in it, the slowest command sent in it and the live lag so far. A lag
 * spike then lines up with the part that was busy (or waiting) when it happened.
 */
export async function startTrace(o: {
  originUrl: string;
  pids: Record<string, number>;
  status: () => Promise<TraceStatus>;
}): Promise<() => void> {
  if (!process.env.BENCH_TRACE) return () => {};
  const began = performance.now();
  answers.length = 0;
  let cpu = await cpuShare(o.pids);
  let repairBefore: Record<string, number> | null = null;
  let seen = 0;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const shares = await cpu();
      cpu = await cpuShare(o.pids);
      const outbox = (await (await fetch(`${o.originUrl}/state/outbox`)).json()) as { pending: number };
      const s = await o.status();
      const repair = Object.entries(s.repair.totals)
        .map(([k, v]) => [k, v - (repairBefore?.[k] ?? v)] as const)
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
      repairBefore = s.repair.totals;
      const fresh = answers.slice(seen);
      seen = answers.length;
      const slowest = Math.round(Math.max(0, ...fresh.map((a) => a.ms)));
      const t = ((performance.now() - began) / 1000).toFixed(1);
      const cpuText = Object.entries(shares)
        .map(([k, v]) => `${k} ${v}`)
        .join(" ");
      console.error(
        `  t ${t}s · cpu % ${cpuText} · outbox ${outbox.pending} · queue ${s.queue.ready ?? "?"}+${s.queue.inFlight ?? "?"} · repair ${repair || "none"} · slowest command ${slowest} ms · lag n ${s.lag.count} p99 ${s.lag.p99} max ${s.lag.max}`,
      );
    } finally {
      busy = false;
    }
  }, 500);
  return () => clearInterval(timer);
}
