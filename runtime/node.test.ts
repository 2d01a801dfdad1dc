import { describe, expect, it } from "vitest";
import { ConfigError } from "../contract/index.ts";
import { boundHeapGrowth } from "./node.ts";

describe("Node runtime", () => {
  it("bounds a Node store process's heap growth, and names a wrong HEAP_GROWTH_PERCENT", () => {
    expect(boundHeapGrowth({ HEAP_GROWTH_PERCENT: "0" })).toBe(0); // 0: V8's own growth, no flag set
    expect(() => boundHeapGrowth({ HEAP_GROWTH_PERCENT: "lots" })).toThrow(/HEAP_GROWTH_PERCENT/);
    expect(() => boundHeapGrowth({ HEAP_GROWTH_PERCENT: "-5" })).toThrow(ConfigError);
  });
});
