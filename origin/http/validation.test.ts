import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody } from "../../contract/index.ts";
import { type Engine, engines } from "../../tests/databases.ts";
import type { Database } from "../db/sql.ts";
import { originClient, ownerInput, shopInput } from "../test/fixture.ts";

// Validation never reaches the engine-specific SQL, so PGlite alone covers it.
const pglite = engines()[0] as Engine;

describe("bad input answers 4xx with the error body, never a 500", () => {
  let db: Database;
  let api: ReturnType<typeof originClient>;
  let shopId: string;
  beforeAll(async () => {
    db = await pglite.open();
    api = originClient(db);
    const owner = await api.ok("POST", "/owners", ownerInput);
    shopId = (await api.ok("POST", "/shops", shopInput(owner.id))).id;
  });
  afterAll(() => db.close());

  const expectError = (res: { status: number; json: unknown }, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(ErrorBody.parse(res.json).error.code).toBe(code);
  };

  it("malformed JSON → 400 invalid_json", async () => {
    expectError(await api.call("POST", "/owners", "{not json"), 400, "invalid_json");
  });

  it("a wrong content type → 415", async () => {
    expectError(
      await api.call("POST", "/owners", "x=1", { "content-type": "text/plain" }),
      415,
      "unsupported_media_type",
    );
  });

  it("a wrong type names the field", async () => {
    const res = await api.call("PATCH", `/shops/${shopId}`, { minOrder: "lots" });
    expectError(res, 400, "validation_failed");
    expect(res.json.error.details).toEqual([expect.objectContaining({ field: "minOrder" })]);
  });

  it("an unknown field, an empty patch and a bad enum are refused", async () => {
    const unknown = await api.call("PATCH", `/shops/${shopId}`, { colour: "red" });
    expectError(unknown, 400, "validation_failed");
    expectError(await api.call("PATCH", `/shops/${shopId}`, {}), 400, "validation_failed");
    const category = await api.call("POST", "/shops", { ...shopInput("o_x"), category: "sushi" });
    expect(category.json.error.details[0].field).toBe("category");
  });

  it("an ad whose window ends before it starts is refused, also when patched", async () => {
    const body = { shopId, product: "open_list", regions: ["gangnam"], bid: 1 };
    const created = await api.call("POST", "/ads", {
      ...body,
      startsAt: "2027-01-01T00:00:00Z",
      endsAt: "2026-01-01T00:00:00Z",
    });
    expect(created.json.error.details[0].field).toBe("endsAt");
    const ad = await api.ok("POST", "/ads", {
      ...body,
      startsAt: "2026-01-01T00:00:00Z",
      endsAt: "2027-01-01T00:00:00Z",
    });
    expectError(
      await api.call("PATCH", `/ads/${ad.id}`, { startsAt: "2028-01-01T00:00:00Z" }),
      400,
      "validation_failed",
    );
  });

  it("unknown ids, unknown routes and bad path ids", async () => {
    expectError(await api.call("GET", "/state/shops/s_nope"), 404, "not_found");
    expectError(await api.call("PATCH", "/menus/m_nope", { price: 1 }), 404, "not_found");
    expectError(await api.call("POST", "/shops", shopInput("o_nobody")), 404, "not_found");
    expectError(await api.call("GET", "/nowhere"), 404, "not_found");
    expectError(await api.call("GET", "/state/shops/bad%20id!"), 400, "validation_failed");
    expectError(await api.call("GET", "/state/shops?region=gangnam"), 400, "validation_failed");
    expectError(await api.call("GET", "/state/changes?after=-1"), 400, "validation_failed");
  });

  it("an oversized body → 413", async () => {
    const res = await api.call("POST", "/owners", { ...ownerInput, name: "x".repeat(100_000) });
    expectError(res, 413, "payload_too_large");
  });

  it("no JSON body of any shape produces a 5xx on any command route", async () => {
    const routes = [
      ["POST", "/owners"],
      ["POST", "/shops"],
      ["PATCH", `/shops/${shopId}`],
      ["POST", `/shops/${shopId}/menus`],
      ["POST", "/ads"],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue(), async ([method, path], body) => {
        const res = await api.call(method, path, JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) ErrorBody.parse(res.json);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 60), seed: 42 },
    );
  });
});
