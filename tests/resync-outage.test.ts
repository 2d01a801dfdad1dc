import { describe, expect, it } from "vitest";
import { docKey } from "../contract/index.ts";
import { projectDetail } from "../projection/index.ts";
import { createLogger } from "../runtime/index.ts";
import { engines } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";
import { startStack } from "./stack.ts";

const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;
const SHOPS = 60;

describe("a full resync across an origin outage", () => {
  it("keeps going, retries the shops that failed, and ends with every document right", async () => {
    const lines: string[] = [];
    const stack = await startStack(await pglite.open(), {
      demoShops: SHOPS,
      relay: false,
      // Slow enough that the outage falls in the middle: 10 shops per batch, 40 shops/s.
      sync: {
        bulk: { batchSize: 10, perSec: 40 },
        resyncRetryMs: [500, 1000, 2000, 4000],
        logger: createLogger("sync", "info", (line) => lines.push(line)),
      },
    });
    try {
      const job = stack.sync.jobs.startResync({ all: true });
      await waitFor(() => job.done >= 20, 10_000, 10);
      await stack.stopOrigin();
      await waitFor(() => job.failed > 0, 10_000, 10); // the outage is felt: shops fail
      // A retry round inside the outage fails too: the job must go on retrying, not give up.
      const retriedInOutage = () =>
        lines.some((l) => l.includes('"resync.retried"') && !l.includes('"stillFailing":0'));
      await waitFor(retriedInOutage, 10_000, 10);
      await stack.restartOrigin();
      await waitFor(() => job.state !== "running", 30_000, 50);
      expect(job).toMatchObject({ state: "done", total: SHOPS, done: SHOPS, failed: 0 });
      for (let n = 1; n <= SHOPS; n++) {
        const id = `s_demo_${String(n).padStart(6, "0")}`;
        const state = (await stack.origin("GET", `/state/shops/${id}`)).json;
        const stored = await stack.doc(docKey.detail(id));
        expect({ ...stored, builtAt: null }, id).toEqual({
          ...projectDetail(state, Date.now()),
          builtAt: null,
        });
      }
    } finally {
      await stack.stop();
      await stack.db.close();
    }
  }, 60_000);
});
