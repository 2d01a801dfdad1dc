import { describe, expect, it } from "vitest";
import { contentHash, REWRITE_UNCHANGED_AFTER_MS, unchanged } from "./content.ts";

describe("public content of a document", () => {
  const body = (o: Record<string, unknown>) =>
    JSON.stringify({ id: "s_1", version: 3, name: "행복한 치킨", ...o });

  it("ignores only the top-level seq and builtAt", () => {
    const a = contentHash(body({ seq: 1, builtAt: "2026-12-01T00:00:00.000Z" }));
    expect(contentHash(body({ seq: 9, builtAt: "2026-12-02T00:00:00.000Z" }))).toBe(a);
    expect(contentHash(body({ seq: 1, builtAt: "2026-12-01T00:00:00.000Z", name: "행복한 피자" }))).not.toBe(
      a,
    );
    expect(contentHash(body({ seq: 1, version: 4 }))).not.toBe(contentHash(body({ seq: 1 })));
    // A nested seq is content (a list entry's, a menu's): only the document's own are renewed per build.
    expect(contentHash(body({ menus: [{ seq: 1 }] }))).not.toBe(contentHash(body({ menus: [{ seq: 2 }] })));
    expect(contentHash("not json")).not.toBe(contentHash("not json!"));
    expect(contentHash(body({}))).toMatch(/^[0-9a-f]{16}$/);
  });

  it("cuts the projection's own tail without parsing, and agrees with the parsed path", () => {
    const rest = { id: "s_1", name: '떡볶이 "집"', menus: [{ name: "a" }], deleted: false, version: 3 };
    const own = { seq: 12, builtAt: "2026-12-01T00:00:00.000Z" };
    const projected = JSON.stringify({ ...rest, ...own }); // as projection/detail.ts orders it
    const reordered = JSON.stringify({ ...own, ...rest }); // parsed, stripped, stringified
    expect(contentHash(projected)).toBe(contentHash(reordered));
    expect(contentHash(projected)).not.toBe(contentHash(JSON.stringify({ ...rest, version: 4, ...own })));
  });

  it("skips only the same version and content, built within the window, unless asked to rewrite", () => {
    const t0 = "2026-12-01T00:00:00.000Z";
    const later = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();
    const current = { version: 3, builtAt: t0, hash: "h1" };
    expect(unchanged({ version: 3, builtAt: later(1000), hash: "h1" }, current)).toBe(true);
    expect(unchanged({ version: 3, builtAt: later(1000), hash: "h2" }, current)).toBe(false);
    expect(unchanged({ version: 4, builtAt: later(1000), hash: "h1" }, current)).toBe(false);
    expect(unchanged({ version: 3, builtAt: later(REWRITE_UNCHANGED_AFTER_MS), hash: "h1" }, current)).toBe(
      false,
    );
    expect(unchanged({ version: 3, builtAt: later(1000), hash: "h1" }, current, { rewrite: true })).toBe(
      false,
    );
    expect(unchanged({ version: 3, builtAt: later(1000), hash: "h1" }, { version: 3, builtAt: t0 })).toBe(
      false,
    );
  });
});
