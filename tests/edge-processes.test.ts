import { execFile, execSync } from "node:child_process";
import { get } from "node:http";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort, waitFor } from "./event-receiver.ts";
import { DEV_METRICS, type Runtime, type Service, startDemoOrigin, startService } from "./process.ts";

const redisUrl = inject("redisUrl");
/** One request on a connection of its own, so the kernel (or the cluster primary) may pick any process. */
const fresh = (url: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    get(url, { agent: false, headers }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });

/** EDGE_PROCESSES: several edge processes on one port over the shared Redis store, supervised. */
describe.runIf(redisUrl)("edge processes sharing a port (EDGE_PROCESSES=2)", () => {
  let origin: Service;
  beforeAll(async () => {
    origin = await startDemoOrigin();
  }, 90_000);
  afterAll(async () => {
    await origin?.stop();
  });

  for (const runtime of ["bun", "deno", "node"] as Runtime[]) {
    it(`on ${runtime}: both serve, a killed one is restarted and logged, SIGTERM stops them all`, async () => {
      const edge = await startService(
        `edge/entry/${runtime}.ts`,
        {
          ORIGIN_URL: origin.url,
          STORE: "redis",
          REDIS_URL: redisUrl as string,
          STORE_PREFIX: `ec-procs-test-${runtime}-${process.pid}`,
          EDGE_PROCESSES: "2",
          LOG_LEVEL: "info",
        },
        await freePort(),
        60_000,
        runtime,
      );
      try {
        const pids = new Set<number>();
        const seen = async () => {
          const health = JSON.parse((await fresh(`${edge.url}/healthz`, DEV_METRICS)).body) as {
            pid: number;
          };
          pids.add(health.pid);
          return pids;
        };
        await waitFor(async () => (await seen()).size === 2, 15_000, 0);
        expect(pids.has(edge.proc.pid as number)).toBe(false); // the supervisor serves nothing itself
        expect((await fresh(`${edge.url}/v1/shops/s_demo_000001`)).status).toBe(200);

        const victim = [...pids][0] as number;
        process.kill(victim, "SIGKILL");
        await waitFor(() => edge.output().includes("edge.process_exited"), 10_000);
        expect(edge.output()).toContain(`"pid":${victim}`);
        pids.clear();
        await waitFor(async () => (await seen()).size === 2 && !pids.has(victim), 20_000, 0);
        expect((await fresh(`${edge.url}/v1/shops/s_demo_000002`)).status).toBe(200);
      } finally {
        expect(await edge.stop("SIGTERM")).toBe(0);
        execSync(
          `redis-cli -u ${redisUrl} --scan --pattern 'ec-procs-test-${runtime}-${process.pid}*' | xargs -r redis-cli -u ${redisUrl} del`,
        );
      }
    }, 90_000);
  }

  it("refuses EDGE_PROCESSES=2 over the memory store, saying why", async () => {
    const run = await promisify(execFile)(process.execPath, ["--import", "tsx", "edge/entry/node.ts"], {
      env: {
        ...process.env,
        LOCAL_DEV: "1",
        EDGE_PROCESSES: "2",
        STORE: "memory",
        PORT: String(await freePort()),
      },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("EDGE_PROCESSES=2 needs a shared store");
  }, 30_000);
});
