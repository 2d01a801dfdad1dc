import { docKey } from "../../contract/index.ts";
import type { DocumentStore } from "../../store/port.ts";
import { profileWindow } from "./cpu-profile.ts";
import { pad, quantile, type RigOptions, startRig } from "./rig.ts";

export type BulkRun = Omit<RigOptions, "urls"> & { liveChanges: number };

/**
 * Live changes made while bulk work runs, each timed from the command's answer to its detail at the
 * new version in the store (what the edge reads; with the memory store and Redis the edge's L1 is
 * told of the write at once). Spread over the catalogue, one every 250 ms.
 */
async function liveDuring(store: DocumentStore, originUrl: string, shops: number, n: number, salt: number) {
  const lags: number[] = [];
  const pending = new Map<string, { version: number; at: number }>();
  const check = async (id: string) => {
    const want = pending.get(id);
    const doc = want ? await store.get(docKey.detail(id)) : null;
    if (want && doc && doc.version >= want.version && pending.get(id) === want) {
      lags.push(performance.now() - want.at);
      pending.delete(id);
    }
  };
  const unsubscribe = await (store.onWrite as NonNullable<DocumentStore["onWrite"]>)((key) => {
    if (key.startsWith("detail:")) void check(key.slice(7));
  });
  const sent: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const id = `s_demo_${pad(((salt + i * 7919) % shops) + 1)}`;
    sent.push(
      fetch(`${originUrl}/shops/${id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: `살아있는 변경 ${salt}-${i}` }),
      })
        .then((res) => res.json() as Promise<{ version: number }>)
        .then((res) => {
          pending.set(id, { version: res.version, at: performance.now() });
          return check(id);
        }),
    );
    await new Promise((r) => setTimeout(r, 250));
  }
  await Promise.all(sent);
  const deadline = Date.now() + 30_000;
  while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  unsubscribe();
  return {
    p50Ms: +quantile(lags, 0.5).toFixed(1),
    p99Ms: +quantile(lags, 0.99).toFixed(1),
    lost: pending.size,
  };
}

const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

/**
 * Bulk work at one catalogue size: the first start's build (catch-up → bulk lane, batched state
 * reads) and a full resync, each with live changes made meanwhile; peak RSS of this process (the
 * sync-worker and its store) sampled throughout.
 */
export async function bulkRun(r: BulkRun, urls: RigOptions["urls"]) {
  // The heap at the peak tells the store's data from the collector's headroom (V8 lets a heap with
  // room to grow reach a few times its live data before a full collection).
  let peak = process.memoryUsage();
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    if (now.rss > peak.rss) peak = now;
  }, 250);
  const rig = await startRig({ ...r, urls });
  try {
    const callsAt = () => [...rig.calls].filter(([m]) => m === "shop" || m === "shops");
    const firstLive = liveDuring(rig.store, rig.originUrl, r.shops, r.liveChanges, 1);
    const buildS = await rig.build();
    const duringBuild = await firstLive;
    await rig.sync.consumer.drain();
    await rig.settle();

    const before = new Map(callsAt());
    const stopProfile = await profileWindow(`resync-${r.store}-${r.shops}`); // BENCH_CPU_PROFILE
    const job = rig.sync.jobs.startResync({ all: true });
    const duringResync = await liveDuring(rig.store, rig.originUrl, r.shops, r.liveChanges, 2);
    while (job.state === "running") await new Promise((res) => setTimeout(res, 50));
    await stopProfile();
    // The job's own clock: it may end before the live changes made meanwhile are all in.
    const resyncS = (Date.parse(job.finishedAt as string) - Date.parse(job.startedAt)) / 1000;
    const stateCalls = callsAt().reduce((n, [m, c]) => n + c - (before.get(m) ?? 0), 0);
    return {
      ...r,
      seedS: +rig.seedS.toFixed(1),
      buildS: +buildS.toFixed(1),
      duringBuild,
      resyncS: +resyncS.toFixed(1),
      resyncPerSec: Math.round(r.shops / resyncS),
      resyncState: job.state,
      resyncFailed: job.failed,
      resyncStateCalls: stateCalls,
      duringResync,
      peakRssMiB: mib(peak.rss),
      atPeak: {
        heapUsedMiB: mib(peak.heapUsed),
        heapTotalMiB: mib(peak.heapTotal),
        externalMiB: mib(peak.external),
      },
    };
  } finally {
    clearInterval(sampler);
    await rig.stop();
  }
}
