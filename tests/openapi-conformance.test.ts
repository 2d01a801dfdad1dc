import { BASIC } from "@hyperjump/json-schema/experimental";
import { validate } from "@hyperjump/json-schema/openapi-3-1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeOpenApi, originOpenApi, syncOpenApi } from "../contract/index.ts";
import { type Recorded, recorder } from "./api-recorder.ts";
import { engines } from "./databases.ts";
import { edgeBehaviourSuite } from "./edge-behaviour.ts";
import { nodeEdgeTarget } from "./edge-stack.ts";
import { waitFor } from "./event-receiver.ts";
import { checkAnswers } from "./openapi-check.ts";
import { startStack, TOKENS } from "./stack.ts";

/**
 * The API documents against real answers: the edge's shared behaviour suite (200, 304, 404, 400,
 * STALE and 503 with the origin killed) and the origin's and sync-worker's success and error paths
 * run with every answer recorded, then each answer is checked against its service's /openapi.json.
 */
const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;
recorder.on = true;
const of = (service: Recorded["service"]) => recorder.answers.filter((a) => a.service === service);

edgeBehaviourSuite("Node edge, answers recorded", async () => nodeEdgeTarget(await pglite.open()));

describe("origin and sync-worker, answers recorded", () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  beforeAll(async () => {
    stack = await startStack(await pglite.open(), {
      demoShops: 6,
      sync: { rates: { ingestPerSec: 1000, adminPerSec: 20 } }, // low enough to meet a 429
    });
    stack.sync.start(0);
    await waitFor(async () => (await stack.store.countDocuments()).detail === 6, 15_000);
  });
  afterAll(async () => {
    await stack.stop();
    await stack.db.close();
  });
  const raw = (base: string, method: string, path: string, body: string, type = "application/json") =>
    fetch(`${base}${path}`, {
      method,
      headers: { "content-type": type, authorization: `Bearer ${TOKENS.events}` },
      body,
    });

  it("origin: commands and state, successes and refusals", async () => {
    const owner = (
      await stack.origin("POST", "/owners", {
        name: "사장",
        businessName: "문서 상회",
        businessNumber: "123-45-67890",
        phone: "010-1234-5678",
        email: "owner@example.com",
        bankAccount: "1002-000-000000",
      })
    ).json;
    expect(owner.id).toBeTruthy();
    await stack.origin("PATCH", `/owners/${owner.id}`, { name: 7 });
    await stack.origin("PATCH", "/owners/o_missing", { name: "없음" });
    await stack.origin("PATCH", "/shops/s_demo_000001", { name: "문서" });
    await stack.origin("PATCH", "/shops/s_demo_000001", { rating: 9 });
    await stack.origin("PATCH", "/menus/m_demo_000001_01", { price: 12_000 });
    await stack.origin("DELETE", "/ads/a_missing");
    await raw(stack.originUrl, "PATCH", "/shops/s_demo_000001", "{not json");
    await raw(stack.originUrl, "PATCH", "/shops/s_demo_000001", "name=x", "text/plain");
    for (const path of [
      "/state/shops/s_demo_000001",
      "/state/shops/s_missing",
      "/state/shops?region=gangnam&category=chicken",
      "/state/shops?region=gangnam",
      "/state/shops/ids?limit=3",
      "/state/shops/batch?ids=s_demo_000001,s_demo_000002,s_missing",
      "/state/shops/batch?ids=",
      "/state/owners/o_missing",
      "/state/outbox",
      "/state/changes?after=0&limit=5",
      "/state/changes?after=-1",
      "/healthz",
      "/metrics",
      "/openapi.json",
    ])
      await stack.origin("GET", path);
    expect(of("origin").map((a) => a.status)).toEqual(expect.arrayContaining([200, 201, 400, 404, 415]));
  });

  it("sync-worker: ingest and admin, successes and refusals", async () => {
    await stack.ingest({ type: "shop", id: "s_demo_000002", occurredAt: new Date().toISOString() });
    await stack.ingest({ type: "menu", id: "m_1", occurredAt: "yesterday" });
    await stack.ingest({ type: "shop", id: "s_1", occurredAt: new Date().toISOString() }, "wrong");
    await raw(stack.syncUrl, "POST", "/events", "type=shop", "text/plain");
    const job = (await stack.admin("POST", "/admin/resync", { shopIds: ["s_demo_000003"] })).json;
    await stack.admin("GET", `/admin/jobs/${job.id}`);
    await stack.admin("GET", "/admin/jobs/j_missing");
    await stack.admin("GET", "/admin/jobs");
    await stack.admin("POST", "/admin/purge", { keys: ["detail:s_demo_000004"] });
    await stack.admin("POST", "/admin/purge", { keys: ["nonsense"] });
    await stack.admin("GET", "/admin/dlq?limit=5");
    await stack.admin("POST", "/admin/dlq/replay", { ids: ["shop:s_none"] });
    await stack.admin("POST", "/admin/catch-up");
    await stack.admin("POST", "/admin/audit", { sample: 3 });
    await stack.admin("GET", "/admin/status");
    await stack.admin("GET", "/admin/status", undefined, "wrong");
    for (const path of ["/healthz", "/metrics", "/openapi.json"]) await fetch(`${stack.syncUrl}${path}`);
    await stack.scrape(stack.syncUrl);
    // Past the admin rate limit: 429 with Retry-After.
    await waitFor(async () => (await stack.admin("GET", "/admin/status")).status === 429, 5000, 1);
    expect(of("sync-worker").map((a) => a.status)).toEqual(
      expect.arrayContaining([200, 202, 400, 401, 404, 415, 429]),
    );
  });
});

describe("every recorded answer is declared in its service's /openapi.json", () => {
  const docs = { edge: edgeOpenApi(), "sync-worker": syncOpenApi(), origin: originOpenApi() };
  for (const [service, doc] of Object.entries(docs) as [Recorded["service"], object][]) {
    it(`${service}: the document is valid against the strict OpenAPI 3.1 meta-schema`, async () => {
      const out = await validate("https://spec.openapis.org/oas/3.1/schema-base", doc as never, BASIC);
      const errors = out.valid ? [] : (out.errors ?? []).slice(0, 5);
      expect(errors).toEqual([]);
    });
    it(`${service}: status, headers and body of every answer`, async () => {
      const answers = of(service);
      expect(answers.length).toBeGreaterThan(10);
      expect(await checkAnswers(service, doc as never, answers)).toEqual([]);
    });
  }

  it("the edge's answers include the statuses its document was missing", () => {
    expect(new Set(of("edge").map((a) => a.status))).toEqual(new Set([200, 304, 400, 404, 503]));
  });
});
