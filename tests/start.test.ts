import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { originDataDir } from "./databases.ts";
import { freePort, waitFor } from "./event-receiver.ts";
import { DEV_STATE, type Runtime, type Service, startService } from "./process.ts";
import { expectWorkingStack, launch } from "./start-stack.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("npm start: the whole stack on the embedded default", () => {
  it("answers at the edge, shows a change, stops on Ctrl-C and reuses its data", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "stack-"));
    dirs.push(dataDir);
    const first = await launch("node", dataDir);
    const seededBy = Date.now(); // the demo data was committed before this
    try {
      await expectWorkingStack(first, "s_demo_000001", "처음 이름");
      expect(first.output()).toContain("edge-cache is up");
    } finally {
      first.proc.kill("SIGINT");
    }
    expect(await first.exited).toBe(0);
    expect(
      await fetch(`${first.edge}/healthz`).then(
        () => "up",
        () => "down",
      ),
    ).toBe("down");
    expect(
      await fetch(`${first.origin}/healthz`).then(
        () => "up",
        () => "down",
      ),
    ).toBe("down");

    const downSince = Date.now();
    const second = await launch("node", dataDir);
    try {
      await expectWorkingStack(second, "s_demo_000002", "두번째");
      const kept = (await (await fetch(`${second.edge}/v1/shops/s_demo_000001`)).json()) as { name: string };
      expect(kept.name).toBe("처음 이름"); // the origin's data survived the restart
      // The restart rebuilt everything by catch-up: repair work, with the age of those changes.
      // The live lag is the one change made since, in milliseconds, not the age of the data.
      const status = (await (
        await fetch(`${second.sync}/admin/status`, { headers: { authorization: "Bearer dev-admin-token" } })
      ).json()) as { lag: { p99: number; count: number }; repair: { bySource: Record<string, number> } };
      expect(status.repair.bySource["catch-up"]).toBeGreaterThanOrEqual(200);
      expect(status.lag.count).toBeGreaterThanOrEqual(1);
      // Had the repairs been counted as live lag, it would be at least the data's age at the restart.
      expect(status.lag.p99).toBeLessThan(downSince - seededBy);
    } finally {
      second.proc.kill("SIGINT");
    }
    expect(await second.exited).toBe(0);
  }, 180_000);

  for (const runtime of ["bun", "deno"] as Runtime[]) {
    it(`runs on ${runtime} (start:${runtime})`, async () => {
      const dataDir = await originDataDir(`stack-${runtime}-`);
      dirs.push(dataDir);
      const stack = await launch(runtime, dataDir);
      try {
        await expectWorkingStack(stack, "s_demo_000003", `${runtime} 이름`);
      } finally {
        stack.proc.kill("SIGINT");
      }
      expect(await stack.exited).toBe(0);
    }, 180_000);
  }
});

describe.runIf(inject("redisUrl"))(
  "STORE=redis QUEUE=redis: origin, two sync-workers and two edges as processes",
  () => {
    it("shows a change at both edges", async () => {
      const dataDir = await originDataDir("stack-redis-");
      dirs.push(dataDir);
      const prefix = `ec-start-test-${process.pid}`;
      const services: Service[] = [];
      try {
        const syncPorts = [await freePort(), await freePort()];
        const origin = await startService(
          "origin/entry/node.ts",
          {
            DATABASE_URL: "",
            ORIGIN_DATA_DIR: dataDir,
            DEMO_SHOPS: "100",
            SYNC_URL: `http://127.0.0.1:${syncPorts[0]}`,
            LOG_LEVEL: "warn",
          },
          await freePort(),
        );
        services.push(origin);
        const common = {
          STORE: "redis",
          QUEUE: "redis",
          STORE_PREFIX: prefix,
          REDIS_URL: inject("redisUrl") as string,
          ORIGIN_URL: origin.url,
          LOG_LEVEL: "warn",
        };
        for (const [i, port] of syncPorts.entries())
          services.push(
            await startService(
              "sync-worker/entry/node.ts",
              { ...common, CONSUMER_NAME: `sync-${i}` },
              port as number,
            ),
          );
        const edges = [
          await startService("edge/entry/node.ts", common, await freePort()),
          await startService("edge/entry/node.ts", common, await freePort()),
        ];
        services.push(...edges);
        await waitFor(
          async () => (await fetch(`${edges[1]?.url}/v1/shops/s_demo_000004`)).status === 200,
          30_000,
          200,
        );
        // Search over the Redis store: index the shop's region now, then the rename must show in it.
        const region = (
          (await (await fetch(`${origin.url}/state/shops/s_demo_000004`, { headers: DEV_STATE })).json()) as {
            shop: { regions: string[] };
          }
        ).shop.regions[0] as string;
        const search = async () =>
          (
            (await (
              await fetch(`${edges[0]?.url}/v1/search?region=${region}&q=${encodeURIComponent("레디스")}`)
            ).json()) as {
              shops: { id: string }[];
            }
          ).shops.map((x) => x.id);
        expect(await search()).not.toContain("s_demo_000004");
        await fetch(`${origin.url}/shops/s_demo_000004`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "레디스" }),
        });
        for (const edge of edges) {
          await waitFor(
            async () =>
              ((await (await fetch(`${edge.url}/v1/shops/s_demo_000004`)).json()) as { name: string })
                .name === "레디스",
            10_000,
            10,
          );
        }
        await waitFor(async () => (await search()).includes("s_demo_000004"), 10_000, 10);
      } finally {
        for (const s of services.reverse()) await s.stop();
        const { createClient } = await import("redis");
        const client = createClient({ url: inject("redisUrl") as string });
        await client.connect();
        for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 }))
          if (keys.length) await client.del(keys);
        await client.close();
      }
    }, 180_000);
  },
);
