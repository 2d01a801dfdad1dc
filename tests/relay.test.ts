import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterEach, describe, expect, inject, it } from "vitest";
import { RelayConfig } from "../relay/config.ts";
import { startRelay } from "../relay/run.ts";
import { triggerSql } from "../relay/schema.ts";
import { createLogger } from "../runtime/index.ts";
import { freePort, startReceiver, waitFor } from "./event-receiver.ts";
import { openThrowawayPostgres } from "./throwaway-postgres.ts";

const postgresUrl = inject("postgresUrl");
const silent = createLogger("test", "silent");
/** Debezium's outbox event router shape, as a team would have made it by hand. */
const OUTBOX = `CREATE TABLE outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(), aggregatetype text NOT NULL, aggregateid text NOT NULL,
  type text NOT NULL, payload jsonb, "timestamp" timestamptz NOT NULL DEFAULT clock_timestamp())`;
const TYPES = { Restaurant: "shop", MenuItem: "menu", Owner: "owner" };

/** `edge-cache relay` against a team's own outbox table on real PostgreSQL. */
describe.runIf(postgresUrl)("edge-cache relay (Debezium-style outbox)", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });
  const database = async () => {
    const db = await openThrowawayPostgres(postgresUrl as string, { bare: true });
    cleanups.push(() => db.close());
    await db.query(OUTBOX);
    const sql = postgres(db.url, { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end());
    return { url: db.url, sql };
  };
  const config = (url: string, syncUrl: string, extra: Record<string, unknown> = {}) =>
    RelayConfig.parse({
      databaseUrl: url,
      syncUrl,
      eventsToken: "team-token",
      types: TYPES,
      pollMs: 50,
      ...extra,
    });
  const run = async (c: RelayConfig) => {
    const r = await startRelay(c, silent);
    cleanups.push(() => r.stop());
    return r;
  };
  const add = (
    sql: postgres.Sql | postgres.TransactionSql,
    type: string,
    id: string,
    payload: unknown = {},
  ) =>
    sql`INSERT INTO outbox (aggregatetype, aggregateid, type, payload) VALUES (${type}, ${id}, 'Changed', ${sql.json(payload as postgres.JSONValue)})`;

  it("delivers rows as zero-payload events in order, woken by NOTIFY, and keeps them marked", async () => {
    const { url, sql } = await database();
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    await sql.unsafe(triggerSql("outbox", "team_outbox"));
    // A minute's poll: only the NOTIFY can make these arrive within the wait below.
    const relay = await run(config(url, receiver.url, { channel: "team_outbox", pollMs: 60_000 }));
    await waitFor(() => relay.relay.stats.rounds >= 1, 5000); // the first (empty) poll is behind us
    await sql.begin(async (tx) => {
      await add(tx, "Owner", "o_team_1");
      await add(tx, "Restaurant", "s_team_1", { name: "가게" });
      await add(tx, "MenuItem", "m_team_1", { shopId: "s_team_1", price: 9000 });
    });
    await waitFor(() => receiver.events().length === 3, 10_000); // far inside the 60 s poll
    expect(receiver.received[0]?.authorization).toBe("Bearer team-token");
    expect(receiver.events().map(({ occurredAt, ...e }) => e)).toEqual([
      { type: "owner", id: "o_team_1" },
      { type: "shop", id: "s_team_1" },
      { type: "menu", id: "m_team_1", shopId: "s_team_1" },
    ]);
    // The checkpoint is written once the sync-worker has accepted the batch.
    const checkpoint = async () => {
      const [cp] =
        await sql`SELECT delivered, skipped FROM edge_cache_relay_checkpoint WHERE relay = 'edge-cache'`;
      return { delivered: Number(cp?.delivered), skipped: Number(cp?.skipped) };
    };
    await waitFor(async () => (await checkpoint()).delivered === 3);
    expect(await checkpoint()).toEqual({ delivered: 3, skipped: 0 });
    expect((await sql`SELECT count(*)::int AS n FROM outbox`)[0]?.n).toBe(3); // mark mode keeps the rows
    await add(sql, "Restaurant", "s_team_2");
    // The relay counts a delivery once the receiver has answered, a moment after the receiver saw it.
    await waitFor(() => relay.relay.stats.delivered === 4, 10_000);
    expect(receiver.events()).toHaveLength(4); // nothing sent twice
  });

  it("reports and skips rows it cannot map without holding back the rest, and counts them in /metrics", async () => {
    const { url, sql } = await database();
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    await add(sql, "Invoice", "inv_1");
    await add(sql, "MenuItem", "m_no_shop", { price: 1 });
    await add(sql, "Restaurant", "bad id with spaces");
    await add(sql, "Restaurant", "s_team_9");
    const relay = await run(config(url, receiver.url, { metricsPort: 0 }));
    await waitFor(() => receiver.events().length === 1);
    expect(receiver.events()[0]).toMatchObject({ type: "shop", id: "s_team_9" });
    const skippedRows = () =>
      sql`SELECT row_id, why FROM edge_cache_relay_rows WHERE outcome = 'skipped' ORDER BY row_ts`;
    await waitFor(async () => (await skippedRows()).length === 3);
    const skipped = await skippedRows();
    expect(skipped.map((r) => r.why)).toEqual([
      'aggregate type "Invoice" is not mapped (--map)',
      "no shop id at payload.shopId",
      expect.stringMatching(/^id: /),
    ]);
    const metrics = await (await fetch(`http://127.0.0.1:${relay.metricsPort}/metrics`)).text();
    expect(metrics).toContain('relay_skipped_total{reason="unmapped_type"} 1');
    expect(metrics).toContain('relay_skipped_total{reason="no_shop_id"} 1');
    expect(metrics).toContain('relay_skipped_total{reason="invalid"} 1');
    expect(metrics).toContain("relay_delivered_total 1");
    expect(metrics).toContain("relay_pending_rows 0");
  });

  it("keeps rows while the sync-worker is down, backs off, and delivers once it is back; delete mode removes them", async () => {
    const { url, sql } = await database();
    const port = await freePort();
    const relay = await run(config(url, `http://127.0.0.1:${port}`, { onDelivery: "delete" }));
    await add(sql, "Restaurant", "s_team_1");
    await add(sql, "Restaurant", "s_team_2");
    await waitFor(() => relay.relay.stats.failedAttempts >= 2, 5000);
    expect((await sql`SELECT count(*)::int AS n FROM outbox`)[0]?.n).toBe(2);
    const receiver = await startReceiver(port);
    cleanups.push(receiver.close);
    await waitFor(() => receiver.events().length === 2, 35_000);
    await waitFor(async () => (await sql`SELECT count(*)::int AS n FROM outbox`)[0]?.n === 0);
  }, 45_000);

  it("killed mid-batch and restarted, the process delivers everything at least once", async () => {
    const { url, sql } = await database();
    for (let i = 1; i <= 30; i++) await add(sql, "Restaurant", `s_team_${i}`);
    // A sync-worker that takes the first POST and never answers it: the relay is killed meanwhile.
    const bodies: string[] = [];
    let hang = true;
    const server = createServer((req, res) => {
      let data = "";
      req.on("data", (c) => (data += c));
      req.on("end", () => {
        bodies.push(data);
        if (hang) return; // no answer
        res.writeHead(202, { "content-type": "application/json" }).end('{"accepted":1}');
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(
      () =>
        new Promise((r) => {
          server.closeAllConnections();
          server.close(r);
        }),
    );
    const syncUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cli = (): ChildProcess =>
      spawn(
        process.execPath,
        [
          "cli/bin.mjs",
          "relay",
          "--map",
          "Restaurant=shop",
          "--sync-url",
          syncUrl,
          "--batch",
          "20",
          "--poll-ms",
          "50",
        ],
        {
          env: { ...process.env, DATABASE_URL: url, EVENTS_TOKEN: "team-token", LOG_LEVEL: "silent" },
          stdio: "ignore",
        },
      );
    const first = cli();
    await waitFor(() => bodies.length === 1, 15_000);
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    hang = false;
    const second = cli();
    cleanups.push(async () => second.kill("SIGTERM"));
    const ids = () =>
      new Set(bodies.flatMap((b) => (JSON.parse(b).events as { id: string }[]).map((e) => e.id)));
    await waitFor(() => ids().size === 30, 15_000);
    const sent = bodies.flatMap((b) => JSON.parse(b).events as { id: string }[]);
    expect(sent.length).toBeGreaterThanOrEqual(50); // the first batch of 20 went twice: at least once
    // The killed process's batch was never checkpointed: the checkpoint counts each row once.
    await waitFor(
      async () => Number((await sql`SELECT delivered FROM edge_cache_relay_checkpoint`)[0]?.delivered) === 30,
    );
  }, 45_000);

  it("names a wrong setting and exits 1: an unknown event type, a missing column", async () => {
    const { url } = await database();
    const exec = (args: string[]) =>
      promisify(execFile)(process.execPath, ["cli/bin.mjs", "relay", "--once", ...args], {
        env: { ...process.env, DATABASE_URL: url, EVENTS_TOKEN: "team-token" },
      }).then(
        () => ({ code: 0, stderr: "" }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    const badType = await exec(["--map", "Restaurant=restaurant"]);
    expect(badType.code).toBe(1);
    expect(badType.stderr).toContain("types.Restaurant");
    const badColumn = await exec(["--map", "Restaurant=shop", "--payload-column", "body"]);
    expect(badColumn.code).toBe(1);
    expect(badColumn.stderr).toContain("table outbox has no column body (--payload-column)");
    expect(badColumn.stderr).not.toContain("team-token");
  }, 30_000);
});
