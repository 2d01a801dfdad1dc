import { describe, expect, it } from "vitest";
import { FallbackGate } from "./fallback-gate.ts";

const config = { ratePerSec: 10, burst: 5, clientRatePerSec: 1, clientBurst: 2, minVersionIntervalMs: 250 };

describe("the origin fallback gate (driven by a clock the test sets)", () => {
  it("limits each client to its share, and every client together to the process's", () => {
    let now = 0;
    const gate = new FallbackGate({ ...config, now: () => now });
    expect([gate.admit("1.1.1.1"), gate.admit("1.1.1.1")].every((a) => a.ok)).toBe(true);
    // Past its own burst a client is refused, and its refusal took nothing from the others.
    expect(gate.admit("1.1.1.1")).toEqual({ ok: false, retryAfterS: 1, reason: "client" });
    expect([gate.admit("2.2.2.2"), gate.admit("2.2.2.2"), gate.admit("3.3.3.3")].every((a) => a.ok)).toBe(
      true,
    );
    // Five admitted: the process's burst is spent, whoever asks next.
    expect(gate.admit("4.4.4.4")).toMatchObject({ ok: false, reason: "rate" });
    expect(gate.admit(undefined)).toMatchObject({ ok: false, reason: "rate" });
    now = 100; // one process token back (10 a second), none for 1.1.1.1 yet (1 a second)
    expect(gate.admit("1.1.1.1")).toMatchObject({ ok: false, reason: "client" });
    expect(gate.admit("4.4.4.4").ok).toBe(true);
    now = 1100;
    expect(gate.admit("1.1.1.1").ok).toBe(true);
  });

  it("paces read-your-writes checks of a key, each key on its own", () => {
    let now = 0;
    const gate = new FallbackGate({ ...config, now: () => now });
    expect(gate.checkedRecently("detail:s_1")).toBe(false);
    gate.markChecked("detail:s_1");
    now = 249;
    expect(gate.checkedRecently("detail:s_1")).toBe(true);
    expect(gate.checkedRecently("detail:s_2")).toBe(false);
    now = 250;
    expect(gate.checkedRecently("detail:s_1")).toBe(false);
  });
});
