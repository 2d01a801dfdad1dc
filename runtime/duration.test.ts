import { describe, expect, it } from "vitest";
import { formatDuration, niceDuration } from "./duration.ts";

describe("durations for people", () => {
  it("picks the unit a person reads, never millions of ms", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(12.34)).toBe("12.3 ms");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(12_500)).toBe("12.5 s");
    expect(formatDuration(1_939_737)).toBe("32.3 min");
    expect(formatDuration(26 * 3_600_000)).toBe("1.1 d");
    expect(formatDuration(null)).toBe("–");
  });
  it("rounds an axis up to a step in the value's own unit", () => {
    expect(niceDuration(0.4)).toBe(1);
    expect(niceDuration(730)).toBe(1000);
    expect(niceDuration(1_943_070)).toBe(60 * 60_000);
    expect(niceDuration(95_000)).toBe(2 * 60_000);
    expect(formatDuration(niceDuration(1_943_070))).toBe("1 h");
  });
});
