import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { originDataDir } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";
import { type Service, startService } from "./process.ts";
import { expectWorkingStack, launch } from "./start-stack.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const read = async (url: string) => {
  const started = Date.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  return { status: res.status, xcache: res.headers.get("x-cache"), ms: Date.now() - started };
};

/** docs/deployment.md's "Try an origin outage", as a user does it: kill the origin under `npm start`. */
describe("npm start: the origin dies, the query side stays up", () => {
  it("serves warmed documents as STALE, answers 503 fast for the rest, and picks up a restarted origin", async () => {
    const dataDir = await originDataDir("stack-outage-");
    dirs.push(dataDir);
    const stack = await launch("node", dataDir);
    let again: Service | undefined;
    try {
      await expectWorkingStack(stack, "s_demo_000004", "정전 전");
      const warm = [
        `${stack.edge}/v1/shops/s_demo_000004`,
        `${stack.edge}/v1/shops?region=gangnam&category=chicken&limit=5`,
        `${stack.edge}/v1/main?region=gangnam`,
      ];
      for (const url of warm) expect((await read(url)).status, url).toBe(200);
      // A shop that exists but is not stored (purged): only the origin could answer for it.
      const purged = await fetch(`${stack.sync}/admin/purge`, {
        method: "POST",
        headers: { authorization: "Bearer dev-admin-token", "content-type": "application/json" },
        body: JSON.stringify({ shopIds: ["s_demo_000150"] }),
      });
      expect(purged.status).toBe(200);

      const pid = Number(/\(pid (\d+):/.exec(stack.output())?.[1]);
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, "SIGKILL");
      await waitFor(async () => stack.output().includes("origin exited"), 10_000);
      expect(stack.output()).toContain("npm run origin");
      expect(stack.proc.exitCode).toBeNull(); // the launcher did not stop the query side

      // Once the edge's probe sees the origin gone, what it holds is served and marked STALE.
      await waitFor(async () => (await read(warm[0] as string)).xcache === "STALE", 10_000, 100);
      for (const url of warm) expect(await read(url), url).toMatchObject({ status: 200, xcache: "STALE" });
      const unstored = await read(`${stack.edge}/v1/shops/s_demo_000150`);
      expect(unstored.status).toBe(503); // answered, not held: a hang would time the test out

      // Started again by hand, as the printed line says: a change made now reaches the edge.
      again = await startService(
        "origin/entry/node.ts",
        {
          DATABASE_URL: "",
          ORIGIN_DATA_DIR: dataDir,
          SYNC_URL: stack.sync,
          DEMO_SHOPS: "200",
          LOG_LEVEL: "warn",
        },
        Number(new URL(stack.origin).port),
      );
      await waitFor(async () => stack.output().includes("origin is back"), 10_000);
      const patch = await fetch(`${stack.origin}/shops/s_demo_000004`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "정전 후" }),
      });
      expect(patch.status).toBe(200);
      await waitFor(
        async () => ((await (await fetch(warm[0] as string)).json()) as { name: string }).name === "정전 후",
        10_000,
        50,
      );
      await waitFor(async () => (await read(warm[0] as string)).xcache !== "STALE", 10_000, 100);
    } finally {
      stack.proc.kill("SIGINT");
      await again?.stop();
    }
    expect(await stack.exited).toBe(0);
  }, 180_000);
});
