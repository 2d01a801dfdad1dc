import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docKey } from "../contract/index.ts";
import { edgeConfig } from "../edge/config.ts";
import { createEdge } from "../edge/service.ts";
import { createLogger } from "../runtime/index.ts";
import { nodeServe } from "../runtime/node.ts";
import { artifact, chromiumAvailable, launchChromium } from "./browser.ts";
import { engines } from "./databases.ts";
import { freePort, waitFor } from "./event-receiver.ts";
import { startStack, TOKENS } from "./stack.ts";

const SHOPS = 120;
const hasChromium = chromiumAvailable("the operator console test");

describe.runIf(hasChromium)("operator console in headless Chromium", () => {
  const logs: string[] = [];
  let stack: Awaited<ReturnType<typeof startStack>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const urls: string[] = [];
  let edge: ReturnType<typeof createEdge>;
  let edgeServer: Awaited<ReturnType<typeof nodeServe>>;

  beforeAll(async () => {
    const [pglite] = engines();
    const edgePort = await freePort();
    stack = await startStack(await (pglite as NonNullable<typeof pglite>).open(), {
      demoShops: SHOPS,
      maxAttempts: 2,
      sync: {
        logger: createLogger("sync-worker", "debug", (line) => logs.push(line)),
        timelineStepMs: 400, // the default probe (1 s) stays: the 5 s bound below is the real one
        edgeUrl: `http://127.0.0.1:${edgePort}`,
      },
    });
    // An edge over the same store, for the search page.
    edge = createEdge({
      store: stack.store,
      originUrl: stack.originUrl,
      stateToken: TOKENS.state,
      metricsToken: TOKENS.metrics,
      logger: createLogger("edge", "silent"),
      config: edgeConfig({}),
    });
    edgeServer = await nodeServe(edge.fetch, "127.0.0.1", edgePort);
    stack.sync.start(0);
    await waitFor(async () => (await stack.store.countDocuments()).detail === SHOPS, 30_000);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on("request", (r) => urls.push(r.url()));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    edge?.health.stop();
    await edgeServer?.close();
    await stack?.stop();
    await stack?.db.close();
  });

  it("refuses a wrong token and shows why", async () => {
    await page.goto(`${stack.syncUrl}/console`);
    await page.fill("#token", "not-the-admin-token");
    const [answer] = await Promise.all([
      page.waitForResponse("**/console/login"),
      page.click("button[type=submit]"),
    ]);
    expect(answer.status()).toBe(401);
    expect(await page.textContent("#login-error")).toContain("not right");
    expect((await page.context().cookies()).length).toBe(0);
    await page.screenshot({ path: artifact("console-refused.png") });
  });

  it("logs in and draws the lag chart from live events", async () => {
    await page.fill("#token", TOKENS.admin);
    await Promise.all([page.waitForURL(`${stack.syncUrl}/console`), page.click("button[type=submit]")]);
    await page.waitForSelector("body[data-live=on]", { timeout: 10_000 });
    // The chart is drawn from the stream: lag points appear as changes are processed. Changes keep
    // coming until it has drawn two (one per timeline step), as an app's would.
    let i = 0;
    await waitFor(
      async () => {
        await stack.origin("PATCH", `/shops/s_demo_00000${(i % 6) + 1}`, { name: `콘솔 ${i++}` });
        return Number(await page.getAttribute("#lag-chart", "data-points")) >= 2;
      },
      10_000,
      100,
    );
    expect(await page.locator("#lag-chart polyline").count()).toBeGreaterThan(0);
    expect(await page.textContent("#documents")).toContain(`${SHOPS} detail`);
    expect(await page.textContent("#outbox-backlog")).toMatch(/^\d+$/);
    await page.screenshot({ path: artifact("console-dashboard.png"), fullPage: true });
  });

  it("formats a long lag for people and never clips an axis label, at 1,400 px and on a phone", async () => {
    // A live event 32 minutes after its commit (a relay that was down): the chart must say so readably.
    const occurredAt = new Date(Date.now() - 1_939_737).toISOString();
    expect((await stack.ingest({ type: "shop", id: "s_demo_000010", occurredAt })).status).toBe(202);
    await page.waitForFunction(
      () => document.querySelector("#lag-chart")?.getAttribute("data-max")?.endsWith(" h"),
      undefined,
      { timeout: 10_000 },
    );
    for (const [width, name] of [
      [1400, "console-lag-1400.png"],
      [390, "console-lag-phone.png"],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      // A stream update re-renders the chart at the new size: wait for it, drawn and within the page.
      await page.waitForFunction(
        (w) => {
          const chart = document.querySelector("#lag-chart");
          const label = chart?.querySelector(".axis-max");
          if (!chart || !label) return false;
          return chart.getBoundingClientRect().width <= w && label.getBoundingClientRect().width > 0;
        },
        width,
        { timeout: 10_000 },
      );
      const label = page.locator("#lag-chart .axis-max");
      expect(await label.textContent()).toBe("1 h");
      const [box, chart] = [await label.boundingBox(), await page.locator("#lag-chart").boundingBox()];
      if (!box || !chart) throw new Error("chart not drawn");
      expect(box.x).toBeGreaterThanOrEqual(chart.x); // the whole label is inside the chart
      expect(await page.textContent("#live-lag")).toMatch(/\d+(\.\d)? (ms|s|min|h)/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.locator("#panel-lag").screenshot({ path: artifact(name) });
    }
    await page.setViewportSize({ width: 1280, height: 1000 });
  });

  it("starts a resync of every shop and watches its progress reach 100%", async () => {
    await page.check("#resync-form input[value=all]");
    await page.click("#resync-form button[type=submit]");
    await page.waitForSelector("#panel-jobs progress", { timeout: 5000 });
    await page.waitForFunction(
      () => document.querySelector("#panel-jobs li[data-state=done] .pct")?.textContent === "100%",
      undefined,
      { timeout: 30_000 },
    );
    expect(await page.textContent("#panel-jobs li")).toContain(`${SHOPS} of ${SHOPS} rebuilt`);
    await page.screenshot({ path: artifact("console-resync.png"), fullPage: true });
  });

  it("shows the origin breaker open once the origin stops, and closed after it returns", async () => {
    await stack.stopOrigin();
    // The generous timeout only catches a breaker that never opens; how soon is a figure, not a test.
    await page.waitForSelector("#breaker-state[data-state=open]", { timeout: 20_000 });
    expect(await page.textContent("#breaker-state")).toContain("OPEN");
    await page.screenshot({ path: artifact("console-breaker-open.png"), fullPage: true });

    // While it is down, an event runs out of attempts and becomes a dead letter.
    await stack.ingest({ type: "shop", id: "s_demo_000042", occurredAt: new Date().toISOString() });
    await waitFor(async () => (await stack.store.countDeadLetters()) === 1, 15_000);

    await stack.restartOrigin();
    const backAt = Date.now();
    await page.waitForSelector("#breaker-state[data-state=closed]", { timeout: 10_000 });
    console.log(`console: breaker shown closed ${Date.now() - backAt} ms after the origin returned`);
    expect(await page.textContent("#breaker-history")).toMatch(/open[\s\S]*closed|closed[\s\S]*open/);
  });

  it("browses the dead letters and replays the one picked", async () => {
    await stack.origin("PATCH", "/shops/s_demo_000042", { name: "다시 온 가게" });
    await page.click("#dlq-refresh");
    const row = page.locator('#dlq-table tbody tr[data-id="shop:s_demo_000042"]');
    await row.waitFor({ timeout: 5000 });
    expect(await row.textContent()).toContain("shop s_demo_000042");
    await row.locator("input[type=checkbox]").check();
    await page.click("#dlq-replay-selected");
    await page.waitForFunction(
      () => document.querySelector("#output")?.textContent === "Replayed 1 event(s).",
    );
    await page.waitForFunction(() => document.querySelector("#dlq-count")?.textContent?.startsWith("0 "));
    expect(await stack.store.countDeadLetters()).toBe(0);
    await waitFor(
      async () => (await stack.doc(docKey.detail("s_demo_000042")))?.name === "다시 온 가게",
      10_000,
    );
  });

  it("purges a shop after a confirmation, and the audit finds and repairs it", async () => {
    const dialogs: string[] = [];
    page.once("dialog", (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await page.check("#purge-form input[value=shopIds]");
    await page.fill("#purge-form input[name=value]", "s_demo_000007");
    await page.click("#purge-form button[type=submit]");
    await page.waitForFunction(() =>
      /^Purged \d+ document/.test(document.querySelector("#output")?.textContent ?? ""),
    );
    expect(dialogs).toEqual(["Purge 1 shop(s)?"]);
    expect(await stack.doc(docKey.detail("s_demo_000007"))).toBeNull();

    await page.fill("#audit-form input[name=sample]", String(SHOPS));
    await page.click("#audit-form button[type=submit]");
    await page.waitForFunction(
      () => document.querySelector("#output")?.textContent?.startsWith("Audit:"),
      undefined,
      {
        timeout: 20_000,
      },
    );
    expect(await page.textContent("#output")).toMatch(
      /Audit: \d+ sampled, [1-9]\d* drifted, [1-9]\d* repaired/,
    );
    expect(await page.textContent("#audit-result")).toContain("s_demo_000007");
    expect(await stack.doc(docKey.detail("s_demo_000007"))).not.toBeNull();
  });

  it("searches at the edge from the console and shows the edge's index size", async () => {
    await page.goto(`${stack.syncUrl}/console`);
    await page.fill("#search-q", "떡볶이");
    await Promise.all([page.waitForURL(/\/console\/search\?/), page.click("#search-q ~ button")]);
    await page.waitForSelector("#search-results li");
    expect(await page.locator('#search-results li[data-id="s_demo_000006"]').textContent()).toContain(
      "menus: 떡볶이",
    );
    expect(await page.textContent("#search-index")).toMatch(
      /1 region\(s\) indexed, \d+ shops — largest: gangnam \d+/,
    );
    // Markup in a query is refused and shown as text, never run.
    await page.goto(`${stack.syncUrl}/console/search?region=gangnam&q=${encodeURIComponent("<img src=x>")}`);
    expect(await page.textContent("#search-error")).toContain("markup");
    expect(await page.locator("img").count()).toBe(0);
    await page.screenshot({ path: artifact("console-search.png"), fullPage: true });
    await page.goto(`${stack.syncUrl}/console`);
  });

  it("fits a phone screen, and never puts the token in a URL or a log", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.waitForSelector("body[data-live=on]");
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: artifact("console-phone.png"), fullPage: true });
    const origin = new URL(stack.syncUrl).origin;
    expect(urls.filter((u) => !u.startsWith(origin))).toEqual([]); // no CDN, no fonts
    expect(urls.some((u) => u.includes(TOKENS.admin))).toBe(false);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.filter((l) => l.includes(TOKENS.admin))).toEqual([]);
  });
});
