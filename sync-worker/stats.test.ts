import { describe, expect, it } from "vitest";
import { LagWindow, RepairWindow } from "./stats.ts";

describe("sync-worker windows", () => {
  it("summarise the newest samples up to their cap, over the window", () => {
    const lag = new LagWindow(60_000, 100);
    const repair = new RepairWindow(60_000, 100);
    const now = 1_000_000;
    for (let i = 0; i < 1000; i++) {
      lag.record(i, now - 1000 + i);
      repair.record(i % 2 ? "resync" : "catch-up", i, now - 1000 + i);
    }
    // The newest 100 lags are 900…999.
    expect(lag.summary(now)).toEqual({ count: 100, p50: 950, p99: 999, max: 999 });
    const r = repair.summary(now);
    expect(r.count).toBe(100);
    expect(r.bySource.resync).toBe(50);
    expect(r.oldestMs).toBe(999);
    expect(r.totals.resync + r.totals["catch-up"]).toBe(1000);
    // Out of the window: nothing left to summarise.
    expect(lag.summary(now + 60_001).count).toBe(0);
  });
});
