import { describe, expect, it } from "vitest";
import { docKey, docKindOf, formatDocKey, listRegion, parseDocKey } from "./keys.ts";

describe("document keys", () => {
  it("round-trip between names and parsed keys", () => {
    for (const key of [docKey.detail("s_1"), docKey.list("gangnam", "chicken"), docKey.main("mapo")]) {
      const parsed = parseDocKey(key);
      expect(parsed && formatDocKey(parsed)).toBe(key);
    }
  });

  it("reject what is not a document key", () => {
    for (const raw of [
      "",
      "detail:",
      "list:gangnam:sushi",
      "main:a:b",
      "detail:a b",
      "other:x",
      "list:gangnam",
    ]) {
      expect(parseDocKey(raw)).toBeNull();
    }
  });

  it("tell a key's kind by its prefix, and a list's region", () => {
    expect(docKindOf(docKey.detail("s_1"))).toBe("detail");
    expect(docKindOf(docKey.list("gangnam", "chicken"))).toBe("list");
    expect(docKindOf(docKey.main("mapo"))).toBe("main");
    for (const raw of ["", "details:x", "detail", "cp:catalogue"]) expect(docKindOf(raw)).toBeNull();
    expect(listRegion(docKey.list("gangnam", "chicken"))).toBe("gangnam");
  });
});
