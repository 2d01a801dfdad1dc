import { describe, expect, it } from "vitest";
import { utf8Length } from "./list-record.ts";

describe("utf8Length (bytes written, as the metrics count them)", () => {
  it("counts what TextEncoder would write, for ASCII, Korean, accents, emoji and lone surrogates", () => {
    for (const s of [
      "",
      "abc",
      "원조 치킨 강남점",
      "café",
      "🍗 x 😀",
      '{"name":"가게 🍗"}',
      "\ud800",
      "\udc00a",
    ]) {
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).byteLength);
    }
  });
});
