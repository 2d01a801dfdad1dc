import { afterEach, describe, expect, inject, it } from "vitest";
import { OriginEnv, parseEnv } from "../../contract/env.ts";
import { openThrowawayPostgres } from "../../tests/throwaway-postgres.ts";
import { openPostgres } from "./postgres.ts";
import type { Database } from "./sql.ts";

const postgresUrl = inject("postgresUrl");

describe("DATABASE_PREPARE", () => {
  it("is on unless set to false", () => {
    expect(parseEnv(OriginEnv, { LOCAL_DEV: "1" }).DATABASE_PREPARE).toBe(true);
    expect(parseEnv(OriginEnv, { LOCAL_DEV: "1", DATABASE_PREPARE: "false" }).DATABASE_PREPARE).toBe(false);
    expect(() => parseEnv(OriginEnv, { LOCAL_DEV: "1", DATABASE_PREPARE: "sometimes" })).toThrow(
      /DATABASE_PREPARE/,
    );
  });
});

describe.runIf(postgresUrl)("origin statements on PostgreSQL", () => {
  const open: Database[] = [];
  afterEach(async () => {
    for (const db of open.splice(0).reverse()) await db.close();
  });
  /** The statements this connection holds prepared, after running one parameterized query twice. */
  const preparedAfterUse = async (prepare: boolean | undefined) => {
    const base = await openThrowawayPostgres(postgresUrl as string);
    open.push(base);
    const db = await openPostgres(base.url, { max: 1, ...(prepare === undefined ? {} : { prepare }) });
    open.push(db);
    for (let i = 0; i < 2; i++) await db.query("SELECT count(*) FROM shops WHERE id = $1", [`s_${i}`]);
    const rows = await db.query<{ statement: string }>("SELECT statement FROM pg_prepared_statements");
    return rows.map((r) => r.statement);
  };

  it("are prepared once per connection by default: parsed and planned once, not per call", async () => {
    expect(await preparedAfterUse(undefined)).toContain("SELECT count(*) FROM shops WHERE id = $1");
  });

  it("are sent unprepared with prepare false (a pooler in transaction mode)", async () => {
    expect(await preparedAfterUse(false)).not.toContain("SELECT count(*) FROM shops WHERE id = $1");
  });
});
