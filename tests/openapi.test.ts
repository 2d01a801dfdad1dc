import { compileErrors, validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeOpenApi, originOpenApi, syncOpenApi } from "../contract/index.ts";
import { createOriginApp } from "../origin/http/app.ts";
import { swaggerAssets } from "../runtime/assets.ts";
import { createLogger } from "../runtime/index.ts";
import { nodeServe } from "../runtime/node.ts";
import { artifact, chromiumAvailable, launchChromium } from "./browser.ts";
import { engines } from "./databases.ts";

describe("OpenAPI 3.1 documents generated from the zod contract", () => {
  for (const [name, spec] of [
    ["edge", edgeOpenApi],
    ["sync-worker", syncOpenApi],
    ["origin", originOpenApi],
  ] as const) {
    it(`${name}: validates as OpenAPI 3.1`, async () => {
      const doc = spec();
      expect(doc.openapi).toBe("3.1.0");
      const result = await validate(structuredClone(doc) as never);
      expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
      expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(4);
    });
  }
});

const hasChromium = chromiumAvailable("the /docs rendering test");

describe.runIf(hasChromium)("/docs renders in headless Chromium", () => {
  let server: Awaited<ReturnType<typeof nodeServe>>;
  let db: Awaited<ReturnType<NonNullable<ReturnType<typeof engines>[0]>["open"]>>;
  beforeAll(async () => {
    db = await (engines()[0] as NonNullable<ReturnType<typeof engines>[0]>).open();
    server = await nodeServe(
      createOriginApp({ db, logger: createLogger("test", "silent"), docs: swaggerAssets, stateToken: null })
        .fetch,
      "127.0.0.1",
      0,
    );
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it("shows every operation of the origin's API, offline", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const outside: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith(`http://127.0.0.1:${server.port}`) && !r.url().startsWith("data:"))
          outside.push(r.url());
      });
      await page.goto(`http://127.0.0.1:${server.port}/docs`);
      await page.waitForSelector(".opblock", { timeout: 15_000 });
      const operations = await page.locator(".opblock").count();
      expect(operations).toBeGreaterThanOrEqual(15);
      expect(await page.locator(".title").first().textContent()).toContain("reference origin");
      expect(outside).toEqual([]); // no CDN, no fonts from elsewhere
      await page.screenshot({ path: artifact("docs-origin.png"), fullPage: false });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
