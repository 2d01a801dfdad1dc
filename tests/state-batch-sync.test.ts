import { describe, expect, it } from "vitest";
import type { OriginClient } from "../clients/index.ts";
import { docKey } from "../contract/index.ts";
import { projectDetail } from "../projection/index.ts";
import { engines } from "./databases.ts";
import { waitFor } from "./event-receiver.ts";
import { startStack } from "./stack.ts";

const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;
const SHOPS = 30;

/** Counts the state calls by method; `batch: false` plays an origin without the batched read. */
function counted(batch: boolean) {
  const calls = { shop: 0, shops: 0 };
  const wrap = (c: OriginClient): OriginClient => ({
    ...c,
    shop: (id, s) => {
      calls.shop++;
      return c.shop(id, s);
    },
    shops: async (ids, s) => {
      calls.shops++;
      return batch ? c.shops(ids, s) : null; // null: the origin answered 404, it has no such read
    },
  });
  return { calls, wrap };
}

describe("resync reads state in batches, and shop by shop from an origin without them", () => {
  for (const batch of [true, false]) {
    it(
      batch
        ? "batched: a few calls for the whole catalogue"
        : "no batched read: falls back to one call per shop",
      async () => {
        const { calls, wrap } = counted(batch);
        const stack = await startStack(await pglite.open(), {
          demoShops: SHOPS,
          relay: false,
          wrapOrigin: wrap,
        });
        try {
          const job = await stack.sync.jobs.resync({ all: true });
          expect(job).toMatchObject({ state: "done", total: SHOPS, done: SHOPS, failed: 0 });
          if (batch)
            expect(calls).toEqual({ shop: 0, shops: 1 }); // 30 shops: one chunk
          else expect(calls).toEqual({ shop: SHOPS, shops: 1 }); // asked once, then remembered
          for (const id of ["s_demo_000001", "s_demo_000017", "s_demo_000030"]) {
            const state = (await stack.origin("GET", `/state/shops/${id}`)).json;
            const stored = await stack.doc(docKey.detail(id));
            expect({ ...stored, builtAt: null }).toEqual({
              ...projectDetail(state, Date.now()),
              builtAt: null,
            });
          }
          await waitFor(async () => (await stack.store.countDocuments()).detail === SHOPS, 5000);
        } finally {
          await stack.stop();
          await stack.db.close();
        }
      },
    );
  }
});
