import { describe, expect, it } from "vitest";
import { SortedMembers } from "./sorted-members.ts";

// Deterministic, so a failure replays the same operations.
function randomFrom(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}
const member = (n: number) => `${String(n).padStart(8, "0")}s_${n % 97}`;

describe("SortedMembers (a list's index in chunks)", () => {
  it("matches a sorted array through thousands of adds and removes, across chunk splits and empties", () => {
    const random = randomFrom(11);
    const members = new SortedMembers();
    const model = new Set<string>();
    for (let step = 0; step < 6000; step++) {
      // Grows past several chunk splits, then shrinks until chunks empty out.
      const m = member(Math.floor(random() * 3000));
      if (random() < (step < 4000 ? 0.75 : 0.2)) {
        members.add(m);
        model.add(m);
      } else {
        expect(members.remove(m)).toBe(model.delete(m));
      }
      if (step % 500 === 0 || step === 5999) {
        const sorted = [...model].sort();
        expect(members.toArray()).toEqual(sorted);
        expect(members.length).toBe(sorted.length);
        // Pages at every kind of boundary, as the edge and the list heads read them.
        for (const [from, to] of [
          [0, 20],
          [250, 270],
          [255, 257],
          [sorted.length - 5, sorted.length + 5],
          [0, sorted.length],
        ] as const)
          expect(members.slice(from, to)).toEqual(sorted.slice(from, to));
      }
    }
  });

  it("adds a member once, removes only what it holds, and starts from a sorted array", () => {
    const members = SortedMembers.from(["a", "c", "e"]);
    members.add("c");
    members.add("b");
    expect(members.remove("z")).toBe(false);
    expect(members.remove("a")).toBe(true);
    expect(members.toArray()).toEqual(["b", "c", "e"]);
    expect(members.length).toBe(3);
    expect(new SortedMembers().slice(0, 10)).toEqual([]);
  });
});
