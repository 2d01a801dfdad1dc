import { describe, expect, it } from "vitest";
import { benchArgs, numbers } from "./args.ts";

describe("bench flags", () => {
  const defaults = { shops: "2000,100000", quick: false, one: undefined } as const;

  it("gives defaults, takes values, and reads a comma list as numbers", () => {
    expect(benchArgs(defaults, [])).toEqual({ shops: "2000,100000", quick: false });
    const args = benchArgs(defaults, ["--shops", "500", "--quick", "--one", "7"]);
    expect(args).toEqual({ shops: "500", quick: true, one: "7" });
    expect(numbers("2000, 100000", "shops")).toEqual([2000, 100_000]);
  });

  it("refuses a misspelt flag and a list that is not numbers, naming them", () => {
    expect(() => benchArgs(defaults, ["--shop", "500"])).toThrow(/--shop/);
    expect(() => numbers("2000,lots", "shops")).toThrow(/--shops/);
  });
});
