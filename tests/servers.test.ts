import { describe, expect, it } from "vitest";
import { checkServers, inCI } from "./servers.ts";

describe("the CI gate: a missing server fails a CI run, whatever CI says it is", () => {
  it("takes any truthy CI, and only unset, empty, 0, false or no as a developer's machine", () => {
    for (const ci of ["true", "1", "yes", "TRUE", "woodpecker"])
      expect([ci, inCI({ CI: ci })]).toEqual([ci, true]);
    for (const ci of [undefined, "", "0", "false", "no", " False "])
      expect([ci, inCI({ CI: ci })]).toEqual([ci, false]);
  });

  it("fails with CI=1 when PostgreSQL does not answer, and when DATABASE_URL is unset", async () => {
    await expect(
      checkServers({ CI: "1", DATABASE_URL: "postgres://postgres@127.0.0.1:1/test" }),
    ).rejects.toThrow(/PostgreSQL at DATABASE_URL does not answer/);
    await expect(checkServers({ CI: "1" })).rejects.toThrow(
      /DATABASE_URL is not set.*CI must run both engines/,
    );
  });
});
