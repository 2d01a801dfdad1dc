import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody } from "../contract/index.ts";
import { engines } from "./databases.ts";
import { startEdgeStack } from "./edge-stack.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

/** Any path, query, If-None-Match or X-Min-Version: never a 5xx, and errors carry the error body. */
describe("edge input fuzzing", () => {
  let s: Awaited<ReturnType<typeof startEdgeStack>>;
  beforeAll(async () => {
    s = await startEdgeStack(await (engines()[0] as NonNullable<ReturnType<typeof engines>[0]>).open(), {
      demoShops: 20,
    });
  });
  afterAll(async () => {
    await s.stop();
    await s.db.close();
  });

  /** The property: any request the Fetch API can make, answered with no 5xx but a 503 with Retry-After. */
  const property = () => {
    const segment = fc.oneof(
      fc.constantFrom("v1", "shops", "main", "s_demo_000001", "%00", "..", "%E0%A4%A"),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    const query = fc.dictionary(
      fc.constantFrom("region", "category", "limit", "cursor", "x"),
      fc.oneof(
        fc.constantFrom("gangnam", "chicken", "0", "-1", "101", "b2s6MjA", ""),
        fc.string({ maxLength: 10 }),
      ),
      { maxKeys: 4 },
    );
    return fc.asyncProperty(
      fc.array(segment, { minLength: 1, maxLength: 4 }),
      query,
      fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.constant('"1.1.x"'), fc.constant("*"))),
      fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.nat().map(String))),
      async (segments, q, inm, minVersion) => {
        const path = `/${segments.join("/")}?${new URLSearchParams(q)}`;
        const headers: Record<string, string> = {};
        if (inm !== null) headers["if-none-match"] = inm;
        if (minVersion !== null) headers["x-min-version"] = minVersion;
        try {
          new Request(`http://edge.test${path}`, { headers });
        } catch {
          return; // a header value the Fetch API itself refuses never reaches the edge
        }
        // Anything the edge throws — the fast path runs outside Hono's error handler — fails here.
        const res = await s.get(path, headers);
        if (res.status >= 500) {
          expect(res.status, path).toBe(503);
          expect(res.headers.get("retry-after")).toBeTruthy();
        }
        if (res.status >= 400) ErrorBody.parse(res.json);
      },
    );
  };

  it("never answers 5xx except 503 with Retry-After", async () => {
    await fc.assert(property(), { numRuns: RUNS, seed: 11 });
  }, 120_000);

  it("fails when the fast path throws (the property can see what Hono's error handler never does)", async () => {
    s.edge.faults.fastPath = () => {
      throw new Error("injected fast-path fault");
    };
    try {
      const failed = await fc.assert(property(), { numRuns: 20, seed: 11 }).then(
        () => null,
        (e: Error) => e,
      );
      expect(failed?.message).toMatch(/^Property failed after 1 tests/);
      expect(String((failed?.cause as Error | undefined)?.message)).toBe("injected fast-path fault");
    } finally {
      s.edge.faults.fastPath = null;
    }
  });
});
