import { describe, expect, it } from "vitest";
import { timeSlicer } from "./time-slice.ts";

describe("timeSlicer: long in-memory work lets I/O in between slices", () => {
  it("does not yield within the budget, and yields to the macrotask queue once it is spent", async () => {
    let clock = 0;
    const slice = timeSlicer(8, () => clock);
    clock = 7;
    expect(slice()).toBeUndefined(); // within the slice: carry on without leaving the task

    clock = 9;
    const order: string[] = [];
    setImmediate(() => order.push("an HTTP callback waiting for the loop"));
    const yielded = slice();
    expect(yielded).toBeInstanceOf(Promise);
    await yielded;
    order.push("work resumed");
    expect(order).toEqual(["an HTTP callback waiting for the loop", "work resumed"]);
    expect(slice()).toBeUndefined(); // a new slice starts after the yield
  });

  it("concurrent callers (one batch's shops) share one yield", async () => {
    let clock = 0;
    const slice = timeSlicer(8, () => clock);
    clock = 20;
    const a = slice();
    const b = slice();
    expect(a).toBe(b);
    await Promise.all([a, b]);
    expect(slice()).toBeUndefined();
  });
});
