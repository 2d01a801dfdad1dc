import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Coding } from "../edge/http/encoding.ts";
import { negotiate } from "../edge/http/encoding.ts";
import { zlibCompress } from "../runtime/compress.ts";
import { engines } from "./databases.ts";
import { startEdgeStack } from "./edge-stack.ts";

const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;

describe("Accept-Encoding: br and gzip made once per entry, negotiated, each with its own ETag", () => {
  let s: Awaited<ReturnType<typeof startEdgeStack>>;
  const compressed: Coding[] = [];
  beforeAll(async () => {
    // The server runtimes' compressor, counted: a variant must be made once, not per request.
    s = await startEdgeStack(await pglite.open(), {
      demoShops: 200, // gangnam · chicken then holds more than a page of 20
      config: { EDGE_L1_TTL_MS: 60_000 },
      compress: (bytes, coding) => {
        compressed.push(coding);
        return zlibCompress(bytes, coding);
      },
    });
  });
  afterAll(async () => {
    await s.stop();
    await s.db.close();
  });
  const raw = async (path: string, headers: Record<string, string> = {}) => {
    const res = await s.edge.fetch(new Request(`http://edge.test${path}`, { headers }));
    return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
  };
  const DETAIL = "/v1/shops/s_demo_000001";

  it("answers br to a phone's Accept-Encoding, with Vary, a br ETag and the same JSON", async () => {
    const plain = await raw(DETAIL);
    expect(plain.res.headers.get("content-encoding")).toBeNull();
    expect(plain.res.headers.get("vary")).toBe("Accept-Encoding");
    const text = new TextDecoder().decode(plain.bytes);
    expect(plain.bytes.byteLength).toBeGreaterThan(1024);

    const br = await raw(DETAIL, { "accept-encoding": "gzip, deflate, br" });
    expect(br.res.status).toBe(200);
    expect(br.res.headers.get("content-encoding")).toBe("br");
    expect(br.res.headers.get("vary")).toBe("Accept-Encoding");
    expect(br.res.headers.get("etag")).toBe(`${plain.res.headers.get("etag")?.slice(0, -1)}-br"`);
    expect(new TextDecoder().decode(brotliDecompressSync(br.bytes))).toBe(text);
    expect(br.bytes.byteLength).toBeLessThan(plain.bytes.byteLength / 2); // Korean JSON compresses well

    const gz = await raw(DETAIL, { "accept-encoding": "gzip" });
    expect(gz.res.headers.get("content-encoding")).toBe("gzip");
    expect(gz.res.headers.get("etag")).toMatch(/-gz"$/);
    expect(new TextDecoder().decode(gunzipSync(gz.bytes))).toBe(text);

    const before = compressed.length;
    for (let i = 0; i < 5; i++) await raw(DETAIL, { "accept-encoding": "br" });
    expect(compressed.length).toBe(before); // made once, served from L1 since
  });

  it("keeps 304s working per representation", async () => {
    const br = await raw(DETAIL, { "accept-encoding": "br" });
    const etag = br.res.headers.get("etag") as string;
    const notModified = await raw(DETAIL, { "accept-encoding": "br", "if-none-match": etag });
    expect(notModified.res.status).toBe(304);
    expect(notModified.res.headers.get("vary")).toBe("Accept-Encoding");
    // The br tag does not validate the identity representation: a client that stopped asking for br gets it whole.
    expect((await raw(DETAIL, { "if-none-match": etag })).res.status).toBe(200);
  });

  it("compresses list pages too, and leaves small bodies (a 404) alone", async () => {
    const page = await raw("/v1/shops?region=gangnam&category=chicken&limit=20", { "accept-encoding": "br" });
    expect(page.res.status).toBe(200);
    expect(page.res.headers.get("content-encoding")).toBe("br");
    expect(JSON.parse(new TextDecoder().decode(brotliDecompressSync(page.bytes))).region).toBe("gangnam");
    const missing = await raw("/v1/shops/s_nope", { "accept-encoding": "br" });
    expect(missing.res.status).toBe(404);
    expect(missing.res.headers.get("content-encoding")).toBeNull();
  });

  it("negotiates by q-values: br first, q=0 excludes, * stands for the rest, identity otherwise", () => {
    expect(negotiate("gzip, deflate, br, zstd")).toBe("br");
    expect(negotiate("gzip")).toBe("gzip");
    expect(negotiate("br;q=0, gzip")).toBe("gzip");
    expect(negotiate("gzip;q=1.0, br;q=0.5")).toBe("gzip");
    expect(negotiate("*")).toBe("br");
    expect(negotiate("*, br;q=0")).toBe("gzip");
    expect(negotiate("identity")).toBeNull();
    expect(negotiate("deflate")).toBeNull();
    expect(negotiate(undefined)).toBeNull();
  });

  it("answers a write to a read route 405 with Allow, not 404", async () => {
    for (const [method, path] of [
      ["POST", DETAIL],
      ["DELETE", "/v1/shops?region=gangnam&category=chicken"],
      ["PUT", "/v1/main?region=gangnam"],
    ] as const) {
      const res = await s.edge.fetch(new Request(`http://edge.test${path}`, { method }));
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("method_not_allowed");
    }
    expect((await s.edge.fetch(new Request("http://edge.test/v1/nothing", { method: "POST" }))).status).toBe(
      404,
    );
  });
});
