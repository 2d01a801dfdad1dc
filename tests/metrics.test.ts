import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines } from "./databases.ts";
import { startEdgeStack } from "./edge-stack.ts";
import { waitFor } from "./event-receiver.ts";
import { METRICS_AUTH, startStack } from "./stack.ts";

const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? -?[0-9.e+-]+$/;
const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;

/** Every line is a comment or a valid sample of the Prometheus text format. */
function expectExposition(text: string) {
  for (const line of text.trim().split("\n")) {
    if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    expect(line, line).toMatch(SAMPLE);
  }
}

describe("/metrics on every service, and request ids", () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let edge: Awaited<ReturnType<typeof startEdgeStack>>;
  beforeAll(async () => {
    stack = await startStack(await pglite.open(), { demoShops: 10 });
    stack.sync.start(0);
    await waitFor(() => stack.sync.counters.eventsProcessed >= 10, 15_000);
    edge = await startEdgeStack(await pglite.open());
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
    await stack.db.close();
    await edge.stop();
    await edge.db.close();
  });

  it("origin: requests, outbox backlog", async () => {
    const text = await stack.scrape(stack.originUrl);
    expectExposition(text);
    expect(text).toMatch(/^origin_outbox_backlog \d+$/m);
    expect(text).toMatch(/^origin_http_requests_total\{route="\/state\/shops\/batch",status="200"\} \d+$/m);
  });

  it("sync-worker: events, lag histogram, queue depth, DLQ size, breaker", async () => {
    const text = await stack.scrape(stack.syncUrl);
    expectExposition(text);
    expect(text).toMatch(/^sync_events_processed_total \d+$/m);
    expect(text).toMatch(/^sync_live_lag_seconds_bucket\{le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^sync_queue_depth \d+$/m);
    expect(text).toMatch(/^sync_queue_scheduled \d+$/m);
    expect(text).toMatch(/^sync_dlq_size 0$/m);
    expect(text).toMatch(/^sync_origin_breaker_open 0$/m);
  });

  it("sync-worker: where batches spend their time (origin calls by call, rebuild phases, batch sizes)", async () => {
    const text = await stack.scrape(stack.syncUrl);
    const count = (name: string, labels = "") =>
      Number(new RegExp(`^${name}_count${labels} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
    // The ten seed shops came through catch-up: the change feed read, and at least one rebuild batch.
    expect(count("sync_origin_request_seconds", '\\{call="changes",outcome="ok"\\}')).toBeGreaterThan(0);
    const batches = count("sync_rebuild_batch_shops");
    expect(batches).toBeGreaterThan(0);
    expect(count("sync_rebuild_seconds", '\\{phase="state"\\}')).toBe(batches);
    expect(count("sync_rebuild_seconds", '\\{phase="build"\\}')).toBe(batches);
    const shops = Number(/^sync_rebuild_batch_shops_sum (\d+)$/m.exec(text)?.[1]);
    expect(shops).toBeGreaterThanOrEqual(10);
  });

  it("edge: cache results, origin fetches, breaker, L1; request ids echoed when plain", async () => {
    await edge.get("/v1/shops/s_demo_000001");
    const hit = await edge.get("/v1/shops/s_demo_000001", { "x-request-id": "req-123" });
    expect(hit.headers.get("x-request-id")).toBe("req-123");
    const text = await (await edge.edge.app.request("/metrics", { headers: METRICS_AUTH })).text();
    expectExposition(text);
    expect(text).toMatch(/^edge_cache_results_total\{result="MISS"\} 1$/m);
    expect(text).toMatch(/^edge_cache_results_total\{result="HIT"\} 1$/m);
    expect(text).toMatch(/^edge_origin_fetches_total\{result="ok"\} 1$/m);
    expect(text).toMatch(/^edge_l1_entries \d+$/m);
    // An id that is long or odd is not echoed nor logged: the service makes its own.
    for (const given of ["x".repeat(129), "a b", "<script>"]) {
      const own = (await edge.get("/v1/shops/s_demo_000001", { "x-request-id": given })).headers.get(
        "x-request-id",
      );
      expect(own).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
