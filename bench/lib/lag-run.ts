import { docKey } from "../../contract/index.ts";
import type { DocumentStore } from "../../store/port.ts";
import { profileWindow } from "./cpu-profile.ts";
import { lagProbes } from "./lag-probes.ts";
import { pad, quantile, startRig } from "./rig.ts";

export type LagRun = {
  shops: number;
  regions: number;
  db: "postgres" | "postgres-async";
  store: "memory" | "redis";
  changes: number;
  /** Each rate is measured in turn on the same build, with other shops. */
  rates: number[];
  waitS?: number;
};
type Kind = "menu" | "name" | "rank";

/**
 * The i-th change of a window: spread over the catalogue (busy and quiet regions alike), one change
 * per shop at a time; menu prices, shop names and rank changes (rating, review count) in turn.
 */
export function changeAt(i: number, offset: number, shops: number) {
  const n = ((offset + i * 7919) % shops) + 1;
  const id = `s_demo_${pad(n)}`;
  const kind: Kind = (["menu", "name", "rank"] as const)[i % 3] as Kind;
  const [path, body] =
    kind === "menu"
      ? [`/menus/m_demo_${pad(n)}_01`, { price: 10_000 + (i % 50) * 100 }]
      : kind === "name"
        ? [`/shops/${id}`, { name: `가게 ${i}` }]
        : [`/shops/${id}`, { rating: (i % 50) / 10, reviewCount: 10_000 + i }];
  return { id, kind, path, body };
}

/**
 * One size of the catalogue through the whole pipeline (origin command → outbox → relay → ingest →
 * queue → state fetch → documents), after the first build has settled. The origin runs as its own
 * process (its own core and event loop, as in production); the sync-worker runs here, beside the
 * store it writes, so each write is seen the moment it lands. A third of the changes are menu
 * prices, a third shop names (ordinary changes: the entry keeps its place), a third rank changes
 * (rating, review count). Lag is command answered → detail at the new version in the store.
 */
export async function lagRun(r: LagRun, urls: { postgres: string; redis: string }) {
  const bytesByShop = new Map<string, number[]>();
  const probes = lagProbes();
  const rig = await startRig({
    ...r,
    urls,
    wrapFetch: probes.wrap,
    sync: { onBytes: (bytes, shopId) => bytesByShop.get(shopId)?.push(bytes) },
  });
  const { store, sync, calls, originUrl, seedS } = rig;
  const buildS = await rig.build();
  await sync.consumer.drain();
  await rig.settle();
  if (r.waitS) await new Promise((res) => setTimeout(res, (r.waitS ?? 0) * 1000));

  // Warm-up, not reported: the first changes after a build meet cold caches (Postgres buffers, JIT).
  await measure(r.rates[0] as number, 0, 300);
  const results = [];
  let offset = 300;
  for (const rate of r.rates) {
    results.push(await measure(rate, offset, r.changes));
    offset += r.changes; // a new set of shops for each rate
  }
  probes.stop();
  await rig.stop();
  return results;

  async function measure(rate: number, offset: number, changes: number) {
    const lags: Record<Kind, number[]> = { menu: [], name: [], rank: [] };
    const split = { toSync: [] as number[], inSync: [] as number[] };
    probes.window();
    const stopProfile = await profileWindow(`${r.store}-${r.shops}-${rate}-${offset}`);
    const bytes: Record<Kind, number[]> = { menu: [], name: [], rank: [] };
    const pending = new Map<string, { version: number; at: number; kind: Kind }>();
    const check = async (id: string) => {
      const want = pending.get(id);
      const doc = want ? await store.get(docKey.detail(id)) : null;
      if (want && doc && doc.version >= want.version && pending.get(id) === want) {
        const now = performance.now();
        lags[want.kind].push(now - want.at);
        const arrived = probes.arrivedAt(id);
        if (arrived !== undefined) {
          split.toSync.push(Math.max(0, arrived - want.at));
          split.inSync.push(now - Math.max(arrived, want.at));
        }
        pending.delete(id);
      }
    };
    const byKey = new Map<string, string>();
    const unsubscribe = await (store.onWrite as NonNullable<DocumentStore["onWrite"]>)((key) => {
      const id = byKey.get(key);
      if (id) void check(id);
    });
    // State calls only: the outbox probe (the breaker's heartbeat) runs on its own clock.
    const stateCalls = () =>
      (calls.get("shop") ?? 0) +
      (calls.get("shops") ?? 0) +
      (calls.get("list") ?? 0) +
      (calls.get("owner") ?? 0);
    const callsBefore = stateCalls();
    const timersBefore = sync.repair.totals.timer;
    const started = performance.now();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < changes; i++) {
      const due = started + (i * 1000) / rate;
      while (performance.now() < due)
        await new Promise((res) => setTimeout(res, Math.max(0, due - performance.now())));
      const { id, kind, path, body } = changeAt(i, offset, r.shops);
      bytesByShop.set(id, []);
      probes.expect(id);
      writes.push(
        fetch(`${originUrl}${path}`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        })
          .then((res) => res.json() as Promise<{ version: number }>)
          .then((res) => {
            pending.set(id, { version: res.version, at: performance.now(), kind });
            byKey.set(docKey.detail(id), id);
            return check(id);
          }),
      );
    }
    await Promise.all(writes);
    while (pending.size > 0) await new Promise((res) => setTimeout(res, 10));
    const sentS = (performance.now() - started) / 1000;
    await sync.consumer.drain();
    await stopProfile();
    unsubscribe();
    const callsMade = stateCalls() - callsBefore;
    const timerRebuilds = sync.repair.totals.timer - timersBefore;
    for (let i = 0; i < changes; i++) {
      const id = `s_demo_${pad(((offset + i * 7919) % r.shops) + 1)}`;
      const kind = (["menu", "name", "rank"] as const)[i % 3] as Kind;
      bytes[kind].push((bytesByShop.get(id) ?? []).reduce((a, b) => a + b, 0));
    }
    const all = [...lags.menu, ...lags.name, ...lags.rank];
    return {
      ...r,
      rate,
      seedS: +seedS.toFixed(1),
      buildS: +buildS.toFixed(1),
      achievedRate: Math.round(changes / sentS),
      p50Ms: +quantile(all, 0.5).toFixed(1),
      p99Ms: +quantile(all, 0.99).toFixed(1),
      stateCallsPerChange: +(callsMade / changes).toFixed(2),
      // Ad-boundary timers coming due in the window: rebuilds (and state calls) not caused by a change.
      timerRebuilds,
      // p99 of each part: command answered → event at the sync-worker, event → document.
      toSyncP99Ms: +quantile(split.toSync, 0.99).toFixed(1),
      inSyncP99Ms: +quantile(split.inSync, 0.99).toFixed(1),
      stalls: probes.window(),
      bytes: Object.fromEntries(
        Object.entries(bytes).map(([k, xs]) => [
          k,
          { p50: Math.round(quantile(xs, 0.5)), p99: Math.round(quantile(xs, 0.99)) },
        ]),
      ) as Record<Kind, { p50: number; p99: number }>,
    };
  }
}
