import {
  CATEGORIES,
  type ChangeEvent,
  docKey,
  type Logger,
  type OriginClient,
  parseDocKey,
  ShopListDoc,
  type ShopStateResponse,
} from "../../contract/index.ts";
import {
  listKeysOf,
  nextAdBoundary,
  projectDetail,
  projectList,
  projectMain,
} from "../../projection/index.ts";
import type { DocumentStore } from "../../store/port.ts";

export type RebuildDeps = {
  origin: OriginClient;
  store: DocumentStore;
  /** Where rebuilds at future ad start/end times are scheduled (a delayed queue send). */
  schedule: (event: ChangeEvent, delayMs: number) => Promise<void>;
  logger: Logger;
  now?: () => number;
};

export type RebuildOutcome = { failed: Map<string, string>; written: number };

const reasonOf = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
// setTimeout's ceiling; a farther boundary is re-scheduled by the rebuild that fires first.
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Turns a coalesced set of shop ids into documents: fetch each shop's state → detail (or tombstone)
 * → every list the shop was in or is now in → main for every affected region, each write guarded by
 * version/seq. A shop whose state or lists could not be fetched is reported failed, and its list
 * bookkeeping is left as it was so the retry rebuilds the same lists again.
 */
export class Rebuilder {
  private readonly scheduled = new Set<string>();
  constructor(private readonly deps: RebuildDeps) {}

  async rebuildShops(shopIds: readonly string[]): Promise<RebuildOutcome> {
    const { origin, store } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const failed = new Map<string, string>();
    const shopsOfList = new Map<string, Set<string>>();
    const nextLists = new Map<string, string[]>();
    let written = 0;
    const touch = (lists: readonly string[], shopId: string) => {
      for (const key of lists) shopsOfList.set(key, (shopsOfList.get(key) ?? new Set()).add(shopId));
    };

    await Promise.all(
      [...new Set(shopIds)].map(async (id) => {
        let state: ShopStateResponse | null;
        try {
          state = await origin.shop(id);
        } catch (error) {
          failed.set(id, reasonOf(error));
          return;
        }
        if (state === null) {
          // Vanished (never existed, or removed for good): drop what we hold, and leave its lists.
          touch((await store.purgeShop(id)).lists, id);
          nextLists.set(id, []);
          return;
        }
        const doc = projectDetail(state, now);
        const put = await store.put(docKey.detail(id), {
          body: JSON.stringify(doc),
          version: state.shop.version,
          seq: state.seq,
          builtAt: doc.builtAt,
        });
        if (put.written) written++;
        const after = listKeysOf(state.shop);
        touch([...(await store.getMemberships(id)), ...after], id);
        nextLists.set(id, after);
        await this.scheduleBoundary(id, nextAdBoundary(state.shop.ads, now), now);
      }),
    );

    const regions = new Set<string>();
    await Promise.all(
      [...shopsOfList].map(async ([key, shops]) => {
        const parsed = parseDocKey(key);
        if (parsed?.kind !== "list") return;
        try {
          const state = await origin.list(parsed.region, parsed.category);
          const doc = projectList(parsed.region, parsed.category, state, now);
          const put = await store.put(key, {
            body: JSON.stringify(doc),
            version: 0,
            seq: state.seq,
            builtAt: doc.builtAt,
          });
          if (put.written) written++;
          regions.add(parsed.region);
        } catch (error) {
          for (const shop of shops) failed.set(shop, `list ${key}: ${reasonOf(error)}`);
        }
      }),
    );

    for (const [id, lists] of nextLists) if (!failed.has(id)) await store.setMemberships(id, lists);
    for (const region of regions) if (await this.rebuildMain(region, now)) written++;
    return { failed, written };
  }

  /** Main is derived from the region's stored lists: no origin call, so it cannot fail on the origin. */
  async rebuildMain(region: string, now: number): Promise<boolean> {
    const stored = await this.deps.store.getMany(CATEGORIES.map((c) => docKey.list(region, c)));
    const lists = stored.map((d) => (d ? ShopListDoc.parse(JSON.parse(d.body)) : null));
    const main = projectMain(region, lists, now);
    const put = await this.deps.store.put(docKey.main(region), {
      body: JSON.stringify(main),
      version: 0,
      seq: main.seq,
      builtAt: main.builtAt,
    });
    return put.written;
  }

  private async scheduleBoundary(shopId: string, at: number | null, now: number) {
    if (at === null) return;
    const tag = `${shopId}@${at}`;
    if (this.scheduled.has(tag)) return; // every rebuild of a shop finds the same boundary
    if (this.scheduled.size > 100_000) this.scheduled.clear();
    this.scheduled.add(tag);
    const delayMs = Math.min(MAX_DELAY_MS, at - now + 25);
    await this.deps.schedule({ type: "shop", id: shopId, occurredAt: new Date(at).toISOString() }, delayMs);
  }
}
