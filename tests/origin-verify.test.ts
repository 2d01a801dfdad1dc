import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { verifyOrigin } from "../cli/verify/checks.ts";
import { seedDemoIfEmpty } from "../origin/demo/seed.ts";
import { createOriginApp } from "../origin/http/app.ts";
import { createLogger } from "../runtime/index.ts";
import { nodeServe } from "../runtime/node.ts";
import { engines } from "./databases.ts";

const STATE_TOKEN = "verify-state-token-0123456789abcdef";
const cli = (...args: string[]) =>
  promisify(execFile)(process.execPath, ["cli/bin.mjs", "origin", "verify", ...args], {
    cwd: resolve(import.meta.dirname, ".."),
    env: { ...process.env, STATE_TOKEN },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );

describe.each(engines())("edge-cache origin verify: the reference origin on $name passes", (engine) => {
  it("every required rule passes, the write probe too, and the CLI exits 0", async () => {
    const db = await engine.open();
    await seedDemoIfEmpty(db, { shops: 30, seed: 5 });
    const server = await nodeServe(
      createOriginApp({ db, logger: createLogger("test", "silent"), stateToken: STATE_TOKEN }).fetch,
      "127.0.0.1",
      0,
    );
    const url = `http://127.0.0.1:${server.port}`;
    try {
      await fetch(`${url}/shops/s_demo_000030`, { method: "DELETE" }); // a tombstone among the ids
      const findings = await verifyOrigin(url, { writeProbe: true, token: STATE_TOKEN });
      expect(findings.filter((f) => !f.ok)).toEqual([]); // no warning either: no private field
      const rules = findings.map((f) => f.rule);
      expect(rules).toContain("the state API refuses a call without its token");
      expect(rules).toContain("a shop answers only the contract's fields");
      expect(rules).toContain("write probe: the change is in the feed with a higher seq");
      expect(rules).toContain("paging by `next` skips no change");
      expect(rules).toContain("a deleted shop answers a tombstone, not 404");
      const run = await cli(url);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("every required rule passed");
    } finally {
      await server.close();
      await db.close();
    }
  });
});

describe("edge-cache origin verify: a broken origin fails with the right findings", () => {
  it("names each broken rule with its path and why, and exits 1", async () => {
    const broken = new Hono();
    // Wrong types, no seq, and the owner's private phone: warned about, by field.
    const shop = { id: "s_1", name: 7, category: "chicken", owner: { id: "o_1", phone: "010-1234-5678" } };
    broken.get("/state/shops/ids", (c) => c.json({ ids: ["s_1"], next: null }));
    broken.get("/state/shops/:id", (c) => c.json({ shop })); // 200 for any id, unknown ones too
    broken.get("/state/owners/:id", (c) => c.json({ error: "nope" }, 404));
    const change = { seq: 3, type: "shop", id: "s_1", shopId: "s_1", at: new Date().toISOString() };
    broken.get("/state/changes", (c) => c.json({ changes: [change, change], next: 3 })); // repeats
    const server = await nodeServe(broken.fetch, "127.0.0.1", 0);
    const url = `http://127.0.0.1:${server.port}`;
    try {
      const findings = await verifyOrigin(url);
      expect(findings.find((f) => f.rule === "a shop answers only the contract's fields")).toMatchObject({
        ok: false,
        required: false,
        why: "outside the contract: shop.owner.phone",
      });
      const failed = findings.filter((f) => !f.ok && f.required);
      const rules = failed.map((f) => f.rule);
      expect(rules).toContain("GET /state/shops/:id answers the aggregate with its seq");
      expect(rules).toContain("an unknown shop id is 404");
      expect(rules).toContain("the change feed rises without repeats");
      expect(failed.find((f) => f.rule === "an unknown shop id is 404")?.why).toBe("answered 200");
      const run = await cli(url, "--json");
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout).ok).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe("edge-cache origin verify: four independent faults, all four named", () => {
  it("keeps checking past a broken listing: open state API, no ids, unknown owner 200, repeating feed", async () => {
    const broken = new Hono();
    broken.get("/state/shops/ids", (c) => c.json({ error: { code: "internal" } }, 500)); // 1: no listing
    broken.get("/state/owners/:id", (c) => c.json({ seq: 1, owner: { id: "o_1" }, shopIds: [] })); // 2
    const change = { seq: 3, type: "shop", id: "s_1", shopId: "s_1", at: new Date().toISOString() };
    broken.get("/state/changes", (c) => c.json({ changes: [change, change], next: 3 })); // 3: repeats
    broken.get("/state/shops/:id", (c) => c.json({ error: "not found" }, 404));
    // 4: nothing asks for a token — the server above answers anyone.
    const server = await nodeServe(broken.fetch, "127.0.0.1", 0);
    try {
      const failed = (await verifyOrigin(`http://127.0.0.1:${server.port}`, { token: STATE_TOKEN })).filter(
        (f) => !f.ok && f.required,
      );
      const byRule = new Map(failed.map((f) => [f.rule, f]));
      expect(byRule.get("GET /state/shops/ids answers ids and a next cursor")?.why).toBe(
        "answered 500, expected 200",
      );
      expect(byRule.get("an unknown owner id is 404")?.why).toBe("answered 200");
      expect(byRule.get("the change feed rises without repeats")?.why).toBe("seq 3 after 3");
      expect(byRule.get("the state API refuses a call without its token")?.why).toBe(
        "answered 500 without Authorization",
      );
    } finally {
      await server.close();
    }
  });
});

describe("edge-cache origin verify: a feed that skips at page boundaries, a deleted shop answering 404", () => {
  it("finds the gap and the missing tombstone", async () => {
    const broken = new Hono();
    const at = new Date().toISOString();
    const feed = Array.from({ length: 60 }, (_, i) => ({
      seq: i + 1,
      type: "shop",
      id: i === 0 ? "s_gone" : `s_${i}`,
      shopId: null,
      at,
    }));
    broken.get("/state/shops/ids", (c) => c.json({ ids: ["s_gone"], next: null }));
    broken.get("/state/shops/:id", (c) => c.json({ error: "not found" }, 404)); // deleted = forgotten
    broken.get("/state/changes", (c) => {
      const after = Number(c.req.query("after") ?? 0);
      const page = feed.filter((f) => f.seq > after).slice(0, Number(c.req.query("limit") ?? 20));
      // `next` one past the page's last seq: each boundary skips a change.
      return c.json({ changes: page, next: (page.at(-1)?.seq ?? after) + 1 });
    });
    const server = await nodeServe(broken.fetch, "127.0.0.1", 0);
    try {
      const failed = (await verifyOrigin(`http://127.0.0.1:${server.port}`)).filter(
        (f) => !f.ok && f.required,
      );
      const byRule = new Map(failed.map((f) => [f.rule, f]));
      expect(byRule.get("paging by `next` skips no change")?.why).toBe(
        "seq 21, 42 in one page, missing from the pages",
      );
      expect(byRule.get("a deleted shop answers a tombstone, not 404")).toMatchObject({
        path: "/state/shops/s_gone",
        why: "named in the change feed, answered 404",
      });
    } finally {
      await server.close();
    }
  });
});
