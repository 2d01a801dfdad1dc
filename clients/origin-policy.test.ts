import { describe, expect, it } from "vitest";
import { type OriginClient, OriginError } from "./origin-client.ts";
import { BrokenCircuitError, resilientOrigin } from "./origin-policy.ts";

/** An origin whose answers a test scripts: the fault injector for the policy's own cases. */
function scripted(answers: ("ok" | "down" | "bad")[]) {
  let calls = 0;
  const shop = async () => {
    const a = answers[Math.min(calls++, answers.length - 1)];
    if (a === "down") throw new OriginError("origin unreachable", null, true);
    if (a === "bad") throw new OriginError("origin answered 400", 400, false);
    return null;
  };
  return { origin: { shop } as unknown as OriginClient, calls: () => calls };
}

describe("resilient origin policy", () => {
  it("retries transient failures and not final ones", async () => {
    const flaky = scripted(["down", "down", "ok"]);
    await expect(resilientOrigin(flaky.origin, { attempts: 3 }).client.shop("s")).resolves.toBeNull();
    expect(flaky.calls()).toBe(3);
    const bad = scripted(["bad"]);
    await expect(resilientOrigin(bad.origin, { attempts: 3 }).client.shop("s")).rejects.toThrow("400");
    expect(bad.calls()).toBe(1);
  });

  it("opens after consecutive failures, fails fast, and closes after a good trial", async () => {
    const o = scripted(["down", "down", "down", "ok"]);
    let clock = 0;
    const p = resilientOrigin(o.origin, {
      attempts: 1,
      breakAfter: 3,
      halfOpenAfterMs: 5000,
      now: () => clock,
    });
    for (let i = 0; i < 3; i++) await expect(p.client.shop("s")).rejects.toThrow(OriginError);
    expect(p.breaker.state()).toBe("open");
    await expect(p.client.shop("s")).rejects.toThrow(BrokenCircuitError);
    expect(o.calls()).toBe(3); // the open breaker did not call the origin
    clock += 4999;
    await expect(p.client.shop("s")).rejects.toThrow(BrokenCircuitError); // not yet
    clock += 1;
    await expect(p.client.shop("s")).resolves.toBeNull();
    expect(p.breaker.state()).toBe("closed");
    expect(p.breaker.history().map((h) => h.state)).toEqual(["open", "half-open", "closed"]);
  });
});
