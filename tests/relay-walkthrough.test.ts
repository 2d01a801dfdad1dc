import { execFile, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { edgeConfig } from "../edge/config.ts";
import { createEdge } from "../edge/service.ts";
import { createLogger } from "../runtime/index.ts";
import { waitFor } from "./event-receiver.ts";
import { startStack, TOKENS } from "./stack.ts";
import { openThrowawayPostgres } from "./throwaway-postgres.ts";

const postgresUrl = inject("postgresUrl");
const run = promisify(execFile);

/** The walk-through of docs/adopting.md, its commands taken from the page as written. */
async function walkthrough() {
  const page = await readFile("docs/adopting.md", "utf8");
  const section = page.slice(page.indexOf("### A walk-through"));
  const block = section.slice(
    section.indexOf("```sh\n") + 6,
    section.indexOf("\n```", section.indexOf("```sh")),
  );
  const lines = block.split("\n");
  const relayArgs = lines
    .filter((l) => l.startsWith("npx edge-cache relay "))
    .map((l) =>
      l
        .replace(/\s*&\s*$/, "")
        .split(/\s+/)
        .slice(2),
    );
  return {
    table: /-c '(CREATE TABLE[^']+)'/.exec(block)?.[1] as string,
    verify: lines.some((l) => l.startsWith("npx edge-cache origin verify ")),
    install: relayArgs.find((a) => a.includes("--install-trigger")) as string[],
    relay: relayArgs.find((a) => !a.includes("--install-trigger")) as string[],
    change: block.slice(block.indexOf("<<'SQL'\n") + 8, block.indexOf("\nSQL\n")),
    name: /# "([^"]+)"/.exec(block)?.[1] as string,
  };
}

describe.runIf(postgresUrl)(
  "docs/adopting.md walk-through: a hand-made outbox table to a document at the edge",
  () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const fn of cleanups.reverse()) await fn();
    });

    it("works as written", async () => {
      const w = await walkthrough();
      expect(w.install.length && w.relay.length && w.table && w.change && w.name).toBeTruthy();
      // createdb: a throw-away database; `npm start`: the origin on it, the sync-worker, an edge.
      const db = await openThrowawayPostgres(postgresUrl as string);
      cleanups.push(() => db.close());
      await db.query(w.table);
      const stack = await startStack(db, { demoShops: 20, relay: false });
      cleanups.push(() => stack.stop());
      stack.sync.start(0);
      await waitFor(async () => (await stack.store.countDocuments()).detail === 20, 20_000);
      const edge = createEdge({
        store: stack.store,
        originUrl: stack.originUrl,
        stateToken: TOKENS.state,
        metricsToken: TOKENS.metrics,
        logger: createLogger("test", "silent"),
        config: edgeConfig({}),
      });
      cleanups.push(async () => edge.health.stop());
      const name = async () => {
        const res = await edge.fetch(new Request("http://edge.test/v1/shops/s_demo_000001"));
        return ((await res.json()) as { name: string }).name;
      };
      expect(await name()).not.toBe(w.name);

      const env = {
        ...process.env,
        DATABASE_URL: db.url,
        EVENTS_TOKEN: TOKENS.events,
        STATE_TOKEN: TOKENS.state,
      };
      expect(w.verify).toBe(true); // the page's verify step is run, not skipped when it moves
      await run(process.execPath, ["cli/bin.mjs", "origin", "verify", stack.originUrl], { env });
      const sync = ["--sync-url", stack.syncUrl];
      const installed = await run(process.execPath, ["cli/bin.mjs", ...w.install, ...sync], { env });
      expect(installed.stdout).toContain("NOTIFY trigger installed on app_outbox");
      const relay = spawn(process.execPath, ["cli/bin.mjs", ...w.relay, ...sync], { env, stdio: "ignore" });
      cleanups.push(async () => relay.kill("SIGTERM"));

      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      cleanups.push(() => sql.end());
      // Not waiting for the relay to be up: a change committed before it listens is still delivered,
      // its first read takes every row not yet delivered.
      await sql.unsafe(w.change);
      await waitFor(async () => (await name()) === w.name, 10_000);
      // The relay records a delivery once the sync-worker accepted it, which can be after the edge
      // already shows the document (the query side is that quick): wait for the record, then check it.
      const delivered = async () =>
        Number((await sql`SELECT delivered FROM edge_cache_relay_checkpoint`)[0]?.delivered ?? 0);
      await waitFor(async () => (await delivered()) > 0, 10_000);
      expect(await delivered()).toBe(1);
    }, 60_000);
  },
);
