import { type ShopAggregate, ShopsStateResponse } from "../../contract/index.ts";
import { demoChunks } from "../../origin/demo/generate.ts";
import { createLogger } from "../../runtime/index.ts";
import type { DocumentStore } from "../../store/port.ts";
import { Rebuilder } from "../../sync-worker/pipeline/rebuild.ts";
import type { changeAt } from "./lag-run.ts";
import { byShop } from "./rig.ts";

/**
 * The national demo catalogue held in this process, with the sync-worker's own Rebuilder over a
 * store: what the store-level benches (change-cost, kv-cost) drive without an origin, a network or
 * PostgreSQL. States are kept as JSON (strings hold no pointers, so they cost the collector little)
 * and parsed against the contract on each read, as the HTTP client does.
 */
export function demoCatalogue(o: {
  shops: number;
  regions: number;
  store: DocumentStore;
  now?: () => number;
  /** Told each rebuilt shop's bytes written (its detail and its list entries). */
  onBytes?: (bytes: number, shopId: string) => void;
}) {
  const states = new Map<string, string>();
  let seq = 1;
  for (const chunk of demoChunks({ shops: o.shops, seed: 11, now: Date.now(), regions: o.regions })) {
    const owners = new Map(chunk.owners.map((x) => [x.id, x]));
    const [menus, ads] = [byShop(chunk.menus), byShop(chunk.ads)];
    for (const s of chunk.shops)
      states.set(
        s.id,
        JSON.stringify({
          ...s,
          owner: owners.get(s.ownerId),
          menus: menus.get(s.id) ?? [],
          ads: ads.get(s.id) ?? [],
        }),
      );
  }
  const answer = (ids: readonly string[]) =>
    ShopsStateResponse.parse(
      JSON.parse(`{"seq":${seq},"shops":[${ids.map((id) => states.get(id)).join(",")}],"missing":[]}`),
    );
  const rebuilder = new Rebuilder({
    origin: {
      shops: async (ids: readonly string[]) => answer(ids),
      shop: async (id: string) => ({ seq, shop: answer([id]).shops[0] as ShopAggregate }),
    } as never, // only the state reads are used by a rebuild
    store: o.store,
    schedule: async () => {},
    logger: createLogger("bench", "silent"),
    ...(o.now ? { now: o.now } : {}),
    ...(o.onBytes ? { onBytes: o.onBytes } : {}),
  });
  return {
    ids: [...states.keys()],
    rebuilder,
    /** The change at the origin: the shop's state moves on a version and a seq, as a command's would. */
    apply(c: ReturnType<typeof changeAt>): string {
      const shop = JSON.parse(states.get(c.id) as string);
      if (c.kind === "menu" && shop.menus[0]) shop.menus[0].price = (c.body as { price: number }).price;
      else Object.assign(shop, c.body);
      shop.version++;
      seq++;
      states.set(c.id, JSON.stringify(shop));
      return c.id;
    },
  };
}
