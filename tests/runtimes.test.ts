import { get, type IncomingHttpHeaders } from "node:http";
import { brotliDecompressSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./event-receiver.ts";
import { type Runtime, type Service, startDemoOrigin, startService } from "./process.ts";

/** Raw bytes and headers as they cross the wire (fetch would decompress them). */
const wire = (url: string, headers: Record<string, string>) =>
  new Promise<{ headers: IncomingHttpHeaders; bytes: Buffer }>((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ headers: res.headers, bytes: Buffer.concat(chunks) }));
    }).on("error", reject);
  });

/** Smoke: the edge's Bun and Deno entries as real processes, reading every endpoint from an origin. */
describe("edge entries on Bun and Deno (processes)", () => {
  let origin: Service;
  beforeAll(async () => {
    origin = await startDemoOrigin();
  }, 90_000);
  afterAll(async () => {
    await origin?.stop();
  });

  for (const runtime of ["bun", "deno"] as Runtime[]) {
    it(`serves main, list and detail on ${runtime}, and stops cleanly`, async () => {
      const edge = await startService(
        `edge/entry/${runtime}.ts`,
        { ORIGIN_URL: origin.url, LOG_LEVEL: "warn" },
        await freePort(),
        60_000,
        runtime,
      );
      try {
        const detail = await fetch(`${edge.url}/v1/shops/s_demo_000001`);
        expect(detail.status).toBe(200);
        expect(detail.headers.get("etag")).toBeTruthy();
        expect(((await detail.json()) as { id: string }).id).toBe("s_demo_000001");
        const again = await fetch(`${edge.url}/v1/shops/s_demo_000001`);
        expect(again.headers.get("x-cache")).toBe("HIT");
        await again.body?.cancel();
        // On the wire as a phone asks: brotli made by the edge (once per entry), with Vary.
        const br = await wire(`${edge.url}/v1/shops/s_demo_000001`, { "accept-encoding": "gzip, br" });
        expect(br.headers["content-encoding"]).toBe("br");
        expect(br.headers.vary).toBe("Accept-Encoding");
        expect(JSON.parse(brotliDecompressSync(br.bytes).toString("utf8")).id).toBe("s_demo_000001");
        const wrongMethod = await fetch(`${edge.url}/v1/shops/s_demo_000001`, { method: "POST" });
        expect([wrongMethod.status, wrongMethod.headers.get("allow")]).toEqual([405, "GET, HEAD, OPTIONS"]);
        await wrongMethod.body?.cancel();
        const list = await fetch(`${edge.url}/v1/shops?region=gangnam&category=chicken`);
        expect(list.status).toBe(200);
        expect(((await list.json()) as { region: string }).region).toBe("gangnam");
        const main = await fetch(`${edge.url}/v1/main?region=gangnam`);
        expect(((await main.json()) as { categories: unknown[] }).categories).toHaveLength(10);
        expect((await fetch(`${edge.url}/v1/shops/bad!`)).status).toBe(400);
        // Search reads what the store holds (here the shops just read): Korean query, JSON page.
        const found = await fetch(`${edge.url}/v1/search?region=gangnam&q=${encodeURIComponent("치킨")}`);
        expect(found.status).toBe(200);
        expect(((await found.json()) as { q: string; shops: unknown[] }).q).toBe("치킨");
        expect((await fetch(`${edge.url}/v1/search?region=gangnam&q=%20`)).status).toBe(400);
      } finally {
        expect(await edge.stop("SIGTERM")).toBe(0);
      }
    }, 90_000);
  }
  for (const runtime of ["bun", "deno"] as Runtime[]) {
    it(`serves the sync-worker's console on ${runtime}, and stops cleanly with a stream open`, async () => {
      const sync = await startService(
        `sync-worker/entry/${runtime}.ts`,
        { ORIGIN_URL: origin.url, LOG_LEVEL: "warn", CATCH_UP_INTERVAL_S: "0" },
        await freePort(),
        60_000,
        runtime,
      );
      const reader = { cancel: async () => {} };
      try {
        const login = await fetch(`${sync.url}/console/login`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: sync.url },
          body: "token=dev-admin-token",
          redirect: "manual",
        });
        expect(login.status).toBe(303);
        const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
        expect(await (await fetch(`${sync.url}/console`, { headers: { cookie } })).text()).toContain(
          "Origin circuit breaker",
        );
        const events = await fetch(`${sync.url}/console/events`, { headers: { cookie } });
        const stream = (events.body as ReadableStream<Uint8Array>).getReader();
        reader.cancel = () => stream.cancel();
        expect(new TextDecoder().decode((await stream.read()).value)).toContain("event: panels");
      } finally {
        // The open stream must not hold the exit: it would for its full minute (a hang catcher, not
        // a duration under test: 20 s is far from both).
        const held = new Promise((r) => setTimeout(() => r("held by the open stream"), 20_000).unref());
        expect(await Promise.race([sync.stop("SIGTERM"), held])).toBe(0);
        await reader.cancel().catch(() => {});
      }
    }, 90_000);
  }
});
