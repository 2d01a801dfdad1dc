import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./event-receiver.ts";
import { type Runtime, type Service, startService } from "./process.ts";

/** Smoke: the edge's Bun and Deno entries as real processes, reading every endpoint from an origin. */
describe("edge entries on Bun and Deno (processes)", () => {
  let origin: Service;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "origin-rt-"));
    origin = await startService(
      "origin/entry/node.ts",
      { DATABASE_URL: "", ORIGIN_DATA_DIR: dataDir, DEMO_SHOPS: "20", LOG_LEVEL: "warn" },
      await freePort(),
    );
  }, 90_000);
  afterAll(async () => {
    await origin?.stop();
    await rm(dataDir, { recursive: true, force: true });
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
        const list = await fetch(`${edge.url}/v1/shops?region=gangnam&category=chicken`);
        expect(list.status).toBe(200);
        expect(((await list.json()) as { region: string }).region).toBe("gangnam");
        const main = await fetch(`${edge.url}/v1/main?region=gangnam`);
        expect(((await main.json()) as { categories: unknown[] }).categories).toHaveLength(10);
        expect((await fetch(`${edge.url}/v1/shops/bad!`)).status).toBe(400);
      } finally {
        expect(await edge.stop("SIGTERM")).toBe(0);
      }
    }, 90_000);
  }
});
