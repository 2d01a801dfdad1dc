import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

/**
 * Where a change's lag goes, so a slow p99 can be blamed on the right part: the origin and its relay
 * (command answered → event at the sync-worker) or the sync-worker and store (event → document),
 * and whether this process stalled (event-loop delay, GC pauses) while it happened.
 */
export function lagProbes() {
  const arrivals = new Map<string, number>();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const gcPauses: number[] = [];
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauses.push(entry.duration);
  });
  gc.observe({ entryTypes: ["gc"] });
  loop.enable();

  return {
    /** Wraps the sync-worker's fetch handler: notes when each shop's event arrives. */
    wrap(fetch: (req: Request) => Response | Promise<Response>) {
      return async (req: Request) => {
        if (req.method === "POST" && new URL(req.url).pathname === "/events") {
          const at = performance.now();
          const body = (await req.clone().json()) as { events?: { id: string; shopId?: string | null }[] };
          for (const e of body.events ?? []) {
            const shop = e.shopId ?? e.id;
            if (!arrivals.has(shop)) arrivals.set(shop, at);
          }
        }
        return fetch(req);
      };
    },
    /** Forget a shop's earlier arrival before a new change to it is sent. */
    expect(shopId: string) {
      arrivals.delete(shopId);
    },
    arrivedAt(shopId: string): number | undefined {
      return arrivals.get(shopId);
    },
    /** Stalls of this process since the last call (ms), then starts a new window. */
    window() {
      const stalls = {
        loopP99Ms: +(loop.percentile(99) / 1e6).toFixed(1),
        loopMaxMs: +(loop.max / 1e6).toFixed(1),
        gcMaxMs: +Math.max(0, ...gcPauses).toFixed(1),
        gcTotalMs: +gcPauses.reduce((a, b) => a + b, 0).toFixed(0),
      };
      loop.reset();
      gcPauses.length = 0;
      return stalls;
    },
    stop() {
      loop.disable();
      gc.disconnect();
    },
  };
}
