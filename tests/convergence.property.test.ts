import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { httpOriginClient } from "../clients/index.ts";
import { type Category, type ChangeEvent, docKey } from "../contract/index.ts";
import { mainFromStore } from "../edge/main-from-store.ts";
import { changesAfter } from "../origin/domain/outbox.ts";
import { createOriginApp } from "../origin/http/app.ts";
import { projectDetail, projectList, projectMain } from "../projection/index.ts";
import { createLogger } from "../runtime/index.ts";
import { createMemoryStore } from "../store/memory/memory-store.ts";
import { toEvent } from "../sync-worker/catch-up.ts";
import { createMemoryQueue } from "../sync-worker/queue/memory.ts";
import { createSyncWorker } from "../sync-worker/service.ts";
import { engines } from "./databases.ts";

const REGIONS = ["gangnam", "mapo", "seocho"] as const;
const CATS: Category[] = ["chicken", "pizza"];
const DAY = 86_400_000;
const silent = createLogger("test", "silent");

const command = fc.oneof(
  fc.record({
    op: fc.constant("patchShop" as const),
    shop: fc.nat(3),
    status: fc.constantFrom("open", "paused", "closed"),
    rating: fc.integer({ min: 0, max: 50 }),
    category: fc.constantFrom(...CATS),
    regions: fc.subarray([...REGIONS], { minLength: 1 }),
  }),
  fc.record({
    op: fc.constant("addMenu" as const),
    shop: fc.nat(3),
    price: fc.integer({ min: 1000, max: 30000 }),
  }),
  fc.record({ op: fc.constant("deleteMenu" as const), shop: fc.nat(3) }),
  fc.record({
    op: fc.constant("addAd" as const),
    shop: fc.nat(3),
    product: fc.constantFrom("open_list", "ultra_call"),
    region: fc.constantFrom(...REGIONS),
    bid: fc.integer({ min: 1, max: 1000 }),
    live: fc.boolean(),
  }),
  fc.record({ op: fc.constant("deleteShop" as const), shop: fc.nat(3) }),
  fc.record({
    op: fc.constant("renameOwner" as const),
    owner: fc.nat(1),
    name: fc.constantFrom("김", "이", "박"),
  }),
);
/** What the network does to the events of one step: deliver, lose, duplicate, hold back, reorder. */
const fault = fc.constantFrom("deliver", "drop", "duplicate", "hold", "reverse");

describe("convergence under lost, duplicated and reordered events (property)", () => {
  const pglite = engines()[0] as NonNullable<ReturnType<typeof engines>[0]>;

  it("after one catch-up every document equals the projection of the origin's final state", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(command, fault), { minLength: 3, maxLength: 14 }), async (steps) => {
        const db = await pglite.open();
        const originApp = createOriginApp({ db, logger: silent, stateToken: "property-state-token" });
        const call = async (method: string, path: string, body?: unknown) => {
          const headers = {
            authorization: "Bearer property-state-token",
            "content-type": "application/json",
          };
          const init: RequestInit = { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) };
          const res = await originApp.request(path, init);
          return { status: res.status, json: (await res.json()) as Record<string, unknown> & { id: string } };
        };
        const store = createMemoryStore();
        const queue = createMemoryQueue();
        const sync = createSyncWorker({
          store,
          queue,
          origin: httpOriginClient("http://origin.test", {
            token: "property-state-token",
            fetch: async (input, init) => originApp.fetch(new Request(input as URL, init)),
          }),
          logger: silent,
          tokens: { events: "t".repeat(8), admin: "a".repeat(8) },
        });
        try {
          const owners = [
            (await call("POST", "/owners", owner("a"))).json.id,
            (await call("POST", "/owners", owner("b"))).json.id,
          ];
          const shops: string[] = [];
          for (let i = 0; i < 4; i++) {
            const body = {
              ownerId: owners[i % 2],
              name: `가게${i}`,
              category: CATS[i % 2],
              regions: [REGIONS[i % 3]],
              address: "서울",
              phone: "02-123-4567",
              minOrder: 10000,
              deliveryFee: 0,
              openHours: "11:00-23:00",
              rating: i,
            };
            shops.push((await call("POST", "/shops", body)).json.id);
          }
          let seen = 0;
          let pool: ChangeEvent[] = [];
          const now = Date.now();
          for (const [cmd, net] of steps) {
            await apply(cmd, call, shops, owners, now);
            const fresh = await changesAfter(db, { after: seen, limit: 1000 });
            seen = fresh.at(-1)?.seq ?? seen;
            pool.push(...fresh.map(toEvent));
            if (net === "hold") continue;
            if (net !== "drop") {
              const batch =
                net === "reverse" ? [...pool].reverse() : net === "duplicate" ? [...pool, ...pool] : pool;
              await queue.send(batch);
              await sync.consumer.drain();
            }
            pool = [];
          }
          await sync.catchUp.run();
          await sync.consumer.drain();
          await expectConverged(call, store, shops);
        } finally {
          await sync.stop();
          await db.close();
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 6), seed: 20261126, endOnFailure: true },
    );
  }, 180_000);
});

const owner = (tag: string) => ({
  name: `사장${tag}`,
  businessName: `상호${tag}`,
  businessNumber: "123-45-67890",
  phone: "010-0000-0000",
  email: `${tag}@example.com`,
  bankAccount: "KB 1",
});

type Call = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; json: Record<string, unknown> & { id: string } }>;

async function apply(
  cmd: Record<string, unknown>,
  call: Call,
  shops: string[],
  owners: string[],
  now: number,
) {
  const shop = shops[Number(cmd.shop ?? 0)] as string;
  switch (cmd.op) {
    case "patchShop":
      return call("PATCH", `/shops/${shop}`, {
        status: cmd.status,
        rating: Number(cmd.rating) / 10,
        category: cmd.category,
        regions: cmd.regions,
      });
    case "addMenu":
      return call("POST", `/shops/${shop}/menus`, { name: "메뉴", price: cmd.price });
    case "deleteMenu": {
      const state = await call("GET", `/state/shops/${shop}`);
      const menus = (state.json.shop as { menus?: { id: string }[] } | undefined)?.menus ?? [];
      return menus[0] ? call("DELETE", `/menus/${menus[0].id}`) : null;
    }
    case "addAd": {
      const [startsAt, endsAt] = cmd.live ? [now - DAY, now + 10 * DAY] : [now + 10 * DAY, now + 20 * DAY];
      return call("POST", "/ads", {
        shopId: shop,
        product: cmd.product,
        regions: [cmd.region],
        startsAt: new Date(startsAt).toISOString(),
        endsAt: new Date(endsAt).toISOString(),
        bid: cmd.bid,
      });
    }
    case "deleteShop":
      return call("DELETE", `/shops/${shop}`);
    case "renameOwner":
      return call("PATCH", `/owners/${owners[Number(cmd.owner)]}`, { name: cmd.name });
  }
}

async function expectConverged(call: Call, store: ReturnType<typeof createMemoryStore>, shops: string[]) {
  const now = Date.now();
  // seq and builtAt say when a document was built, not what it says: content is what must converge.
  const strip = (doc: Record<string, unknown> | null) => (doc ? { ...doc, builtAt: null, seq: null } : null);
  const stored = async (key: string) => {
    const d = key.startsWith("main:") ? await mainFromStore(store, key.slice(5)) : await store.get(key);
    return d ? (JSON.parse(d.body) as Record<string, unknown>) : null;
  };
  for (const id of shops) {
    const state = (await call("GET", `/state/shops/${id}`)).json;
    expect(strip(await stored(docKey.detail(id)))).toEqual(strip(projectDetail(state as never, now)));
  }
  for (const region of REGIONS) {
    const lists = [];
    for (const category of CATS) {
      const state = (await call("GET", `/state/shops?region=${region}&category=${category}`)).json;
      const expected = projectList(region, category, state as never, now);
      lists.push(expected);
      const got = await stored(docKey.list(region, category));
      // A list no shop was ever in is never written; it reads as empty.
      expect(got ? { shops: got.shops, total: got.total } : { shops: [], total: 0 }).toEqual({
        shops: expected.shops,
        total: expected.total,
      });
    }
    const main = projectMain(region, lists, now);
    const got = await stored(docKey.main(region));
    const pick = (m: { categories: unknown; featured: unknown }) => ({
      categories: m.categories,
      featured: m.featured,
    });
    if (got) expect(pick(got as never)).toEqual(pick(main));
    else expect(main.featured).toEqual([]);
  }
}
