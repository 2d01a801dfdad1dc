import { describe, expect, it } from "vitest";
import { keyed, parseQuery, score, typoBudget, withinOneEdit } from "./match.ts";

describe("Korean-aware matching", () => {
  const s = (q: string, t: string) => score(parseQuery(q), keyed(t));
  it("orders exact, prefix, substring, initial consonants and one-off matches", () => {
    expect(s("떡볶이", "떡볶이")).toBe(5);
    expect(s("떡볶", "떡볶이")).toBe(4);
    expect(s("볶이", "떡볶이")).toBe(3);
    expect(s("ㄸㅂㅇ", "떡볶이")).toBe(2);
    expect(s("떡볶기", "떡볶이")).toBe(1); // one jamo
    expect(s("떡뽁이", "떡볶이")).toBe(1); // one syllable (two jamo)
    expect(s("떡꼬치", "떡볶이")).toBe(0);
    expect(s("떡볶", "김밥")).toBe(0);
  });
  it("ignores spacing and Latin case; a short query is never fuzzy", () => {
    expect(s("교촌 치킨", "교촌치킨 강남점")).toBe(4);
    expect(s("GANGNAM", "행복한 치킨 gangnam점")).toBe(3);
    expect(s("떡복", "떡볶이")).toBe(0); // two syllables: no typo tolerance
  });
  it("finds a pattern with at most one edit anywhere in a text", () => {
    expect(withinOneEdit("abc", "xxabcxx")).toBe(true);
    expect(withinOneEdit("abc", "xxabxcxx")).toBe(true);
    expect(withinOneEdit("abc", "xxaxxcxx")).toBe(false);
  });
  it("stops the typo pass at the query's budget and says it did; exact matches still count", () => {
    const q = parseQuery("떡볶기");
    const budget = typoBudget(3 + 3 * 3); // one filter of three characters, one edit distance of 3 × 3
    expect(score(q, keyed("떡볶이"), budget)).toBe(1);
    expect(budget.exhausted).toBe(false);
    expect(score(q, keyed("떡볶이"), budget)).toBe(0); // the same text, now past the budget
    expect(budget.exhausted).toBe(true);
    expect(score(q, keyed("떡볶기"), budget)).toBe(5); // no edit distance needed
    // Exact matches never reach the typo pass, so they cost nothing of it.
    const spent = typoBudget(0);
    expect(score(q, keyed("떡볶기"), spent)).toBe(5);
    expect(spent.exhausted).toBe(false);
  });
});
