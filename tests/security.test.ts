import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docKey, ErrorBody, OWNER_PRIVATE_FIELDS, parseTrustProxy } from "../contract/index.ts";
import { mainFromStore } from "../edge/main-from-store.ts";
import { generateDemo } from "../origin/demo/generate.ts";
import type { StoredDoc } from "../store/port.ts";
import { engines } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";
import { startStack, TOKENS } from "./stack.ts";

const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

describe("privacy, audit, rate limits and fuzzing of the sync-worker", () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  const SHOPS = 300;
  beforeAll(async () => {
    // Behind a proxy on loopback (TRUST_PROXY=loopback): the client is the forwarded address.
    stack = await startStack(await pglite.open(), {
      demoShops: SHOPS,
      sync: { trustProxy: parseTrustProxy("loopback") },
    });
    stack.sync.start(0);
    await waitFor(async () => (await stack.store.countDocuments()).detail === SHOPS, 30_000);
    await stack.sync.consumer.drain();
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
    await stack.db.close();
  });

  it("no document built from the demo data carries an owner's private field", async () => {
    // The demo generator is deterministic: regenerate the same owners to know every private value.
    const secrets = generateDemo({ shops: SHOPS, seed: 11, now: Date.now() }).owners.flatMap((o) =>
      OWNER_PRIVATE_FIELDS.map((f) => o[f]),
    );
    expect(secrets.length).toBe(SHOPS * 1.5);
    const ids: string[] = (await stack.origin("GET", `/state/shops/ids?limit=${SHOPS}`)).json.ids;
    const keys = [...ids.map((id) => docKey.detail(id))];
    const regions = new Set<string>();
    const lists = new Set<string>();
    for (const id of ids) {
      const detail = await stack.doc(docKey.detail(id));
      for (const r of detail.regions ?? []) {
        regions.add(r);
        lists.add(docKey.list(r, detail.category));
      }
    }
    keys.push(...lists);
    const bodies = (await stack.store.getMany(keys)).map((d) => d?.body ?? "");
    for (const r of regions) bodies.push(((await mainFromStore(stack.store, r)) as StoredDoc).body);
    expect(lists.size).toBeGreaterThan(10);
    // One assertion over all bodies: 180,000 expect() calls would hold the event loop for seconds,
    // long enough for the in-process origin's calls to time out and open the breaker.
    const leaked = bodies.flatMap((body) => secrets.filter((secret) => body.includes(secret)));
    expect(leaked).toEqual([]);
    for (const body of bodies) {
      const owner = (JSON.parse(body) as { owner?: Record<string, unknown> }).owner;
      if (owner) for (const field of OWNER_PRIVATE_FIELDS) expect(owner).not.toHaveProperty(field);
    }
  });

  it("the audit finds a document corrupted by hand and repairs it", async () => {
    const id = "s_demo_000007";
    const good = await stack.store.get(docKey.detail(id));
    const corrupted = { ...JSON.parse(good?.body as string), name: "CORRUPTED", version: 999 };
    await stack.store.delete([docKey.detail(id)]);
    await stack.store.put(docKey.detail(id), {
      body: JSON.stringify(corrupted),
      version: 999,
      seq: 1,
      builtAt: new Date().toISOString(),
    });
    const report = (await stack.admin("POST", "/admin/audit", { sample: SHOPS })).json;
    expect(report.sampled).toBe(SHOPS);
    expect(report.drifted.map((d: { id: string }) => d.id)).toEqual([id]);
    expect(report.repaired).toBe(1);
    const repaired = await stack.doc(docKey.detail(id));
    expect(repaired.name).not.toBe("CORRUPTED");
    expect(repaired.version).toBe(JSON.parse(good?.body as string).version);
    expect((await stack.admin("POST", "/admin/audit", { sample: 50 })).json.drifted).toEqual([]);
  });

  it("ingest and admin bodies of any shape never produce a 5xx, always the error body", async () => {
    const post = async (path: string, body: string, token: string, type = "application/json") => {
      const res = await fetch(`${stack.syncUrl}${path}`, {
        method: "POST",
        headers: { "content-type": type, authorization: `Bearer ${token}`, "x-forwarded-for": "10.0.0.9" },
        body,
      });
      const text = await res.text();
      return { status: res.status, text };
    };
    const routes = [
      ["/events", TOKENS.events],
      ["/admin/purge", TOKENS.admin],
      ["/admin/resync", TOKENS.admin],
      ["/admin/dlq/replay", TOKENS.admin],
      ["/admin/audit", TOKENS.admin],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string(),
          fc.constant("{"),
          fc.constant('{"events":[{}]}'),
        ),
        fc.constantFrom("application/json", "text/plain"),
        async ([path, token], body, type) => {
          const res = await post(path, body, token, type);
          expect(res.status, `${path} ${body}`).toBeLessThan(500);
          if (res.status >= 400 && res.status !== 429) ErrorBody.parse(JSON.parse(res.text));
        },
      ),
      { numRuns: RUNS, seed: 7 },
    );
  });

  it("behind a trusted proxy, rate-limits a client that floods the admin API, and not the others", async () => {
    const hit = (ip: string) =>
      fetch(`${stack.syncUrl}/admin/status`, {
        headers: { authorization: `Bearer ${TOKENS.admin}`, "x-forwarded-for": ip },
      });
    const answers = await Promise.all(Array.from({ length: 80 }, () => hit("203.0.113.7")));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.headers.get("retry-after")).toMatch(/^\d+$/);
    const body = (await (limited[0] as Response).json()) as { error: { code: string } };
    expect(body.error.code).toBe("rate_limited");
    expect((await hit("203.0.113.8")).status).toBe(200);
  });

  // Last: the server stops reading an oversized upload and closes that connection.
  it("refuses an oversized ingest body with 413 and the error body", async () => {
    const res = await fetch(`${stack.syncUrl}/events`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${TOKENS.events}`,
        "x-forwarded-for": "10.0.0.10",
      },
      body: JSON.stringify({ events: [{ type: "shop", id: "x".repeat(2_000_000) }] }),
    });
    expect(res.status).toBe(413);
    expect(ErrorBody.parse(await res.json()).error.code).toBe("payload_too_large");
  });
});
