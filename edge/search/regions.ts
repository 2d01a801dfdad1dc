import { LRUCache } from "lru-cache";
import {
  CATEGORIES,
  type Category,
  type DetailDocument,
  docKey,
  type ListEntry,
  listMember,
  parseDocKey,
  type ShopDetailDoc,
} from "../../contract/index.ts";
import type { ServedStore } from "../../store/port.ts";
import { CATEGORY_KO, type Keyed, keyed } from "./match.ts";

/** One shop as search sees it, made from its stored detail: what to match, and the card to show. */
export type SearchEntry = {
  id: string;
  open: boolean;
  name: Keyed;
  menus: Keyed[];
  category: Keyed[];
  card: ListEntry;
  member: string;
};
export type RegionIndex = {
  region: string;
  version: number;
  builtAt: number;
  entries: Map<string, SearchEntry>;
  /** Estimated when built: what the LRU weighs it by. */
  bytes: number;
};

/** A JavaScript string holds two bytes a character; keys, choseong and the card roughly triple the text. */
const entryBytes = (e: SearchEntry) =>
  400 + 6 * (e.name.text.length + e.menus.reduce((n, m) => n + m.text.length, 0) + e.member.length);

const PRODUCT_RANK = { open_list: 0, ultra_call: 1 } as const;

/** The detail as a list card in `region` (its best live ad there), so results read like `/v1/shops`. */
function entryOf(d: ShopDetailDoc, region: string, now: number): SearchEntry {
  let ad: ListEntry["ad"] = null;
  for (const a of d.ads) {
    if (!a.regions.includes(region) || Date.parse(a.startsAt) > now || Date.parse(a.endsAt) <= now) continue;
    if (
      !ad ||
      PRODUCT_RANK[a.product] < PRODUCT_RANK[ad.product] ||
      (a.product === ad.product && a.bid > ad.bid)
    )
      ad = { product: a.product, bid: a.bid, endsAt: a.endsAt };
  }
  const card: ListEntry = {
    id: d.id,
    name: d.name,
    category: d.category,
    rating: d.rating,
    reviewCount: d.reviewCount,
    minOrder: d.minOrder,
    deliveryFee: d.deliveryFee,
    openHours: d.openHours,
    ad,
  };
  return {
    id: d.id,
    open: d.status === "open",
    name: keyed(d.name),
    menus: d.menus.map((m) => keyed(m.name)),
    category: [d.category, ...CATEGORY_KO[d.category as Category]].map(keyed),
    card,
    member: listMember(card),
  };
}

/**
 * Search indexes per region, built at the edge from the store on the first query of a region (a
 * region never searched costs nothing) and kept fresh from the store's write notifications: a
 * changed detail is re-read and its entry replaced (a rename, a new menu, a delete show at once); a
 * changed list of the region is checked for shops the index lacks (one joined the region). Nothing is
 * written for search, so a change costs no extra bytes in the store, and a resync, a purge or an
 * audit covers search too. Where the store tells no writes (KV), a region is rebuilt after `ttlMs`.
 */
export class SearchIndexes {
  /** Kept by bytes (an estimate made at build): one catalogue-sized region weighs what hundreds of small ones do. */
  private readonly built: LRUCache<string, RegionIndex>;
  private readonly building = new Map<string, Promise<RegionIndex>>();
  private readonly pendingLists = new Set<string>();
  /** Details written while a region was being built: replayed once it is, or the build would miss them. */
  private readonly writtenWhileBuilding = new Set<string>();
  private version = 0;
  constructor(
    private readonly store: ServedStore,
    private readonly o: { ttlMs: number; maxBytes: number; now?: () => number },
  ) {
    this.built = new LRUCache({ maxSize: o.maxBytes, sizeCalculation: (ix) => ix.bytes });
  }

  /** Whether the region's index is held (a region searched before needs no catalogue check). */
  has(region: string): boolean {
    return this.built.has(region);
  }

  /**
   * A list of the region changed: shops it now holds a guard for and the index lacks (one joined
   * the region) are read and added. A rename or a rank change writes lists too; they add nothing.
   */
  private async newcomers(region: string, listKey: string): Promise<void> {
    // A list written during the region's build is looked at once the build is done.
    const ix = this.built.get(region) ?? (await this.building.get(region)?.catch(() => undefined));
    if (!ix) return;
    const fresh = (await this.store.listShopIds(listKey)).filter((id) => !ix.entries.has(id));
    for (const id of fresh) await this.refresh(id);
  }

  /** The region's index and whether it was already there (HIT) or built for this query (MISS). */
  async region(region: string): Promise<{ index: RegionIndex; hit: boolean }> {
    const have = this.built.get(region);
    const expired = have && this.now() - have.builtAt > this.o.ttlMs && this.o.ttlMs > 0;
    if (have && !expired) return { index: have, hit: true };
    let pending = this.building.get(region);
    if (!pending) {
      pending = this.build(region).finally(() => this.building.delete(region));
      this.building.set(region, pending);
      // A rebuild in the background may fail (store down, closing): the old index keeps answering.
      pending.catch(() => {});
    }
    // A stale index still answers while its rebuild runs: a busy region never waits on it twice.
    if (have) return { index: have, hit: true };
    return { index: await pending, hit: false };
  }

  /** From the store's write notifications (see edge/service.ts). */
  onWrite(key: string): void {
    const parsed = parseDocKey(key);
    if (parsed?.kind === "list") {
      const { region } = parsed;
      if ((!this.built.has(region) && !this.building.has(region)) || this.pendingLists.has(key)) return;
      // Coalesced: a busy list is looked at once per 100 ms, not once per write.
      this.pendingLists.add(key);
      setTimeout(() => {
        this.pendingLists.delete(key);
        void this.newcomers(region, key).catch(() => {});
      }, 100);
    } else if (parsed?.kind === "detail") {
      if (this.building.size > 0) this.writtenWhileBuilding.add(parsed.shopId);
      void this.refresh(parsed.shopId).catch(() => {});
    }
  }

  /** Regions indexed, and the shops in them: what `/healthz` and the bench report. */
  get size(): number {
    return this.built.size;
  }
  /** The largest indexed regions, for the console. */
  top(n: number): { region: string; shops: number }[] {
    return [...this.built.values()]
      .map((ix) => ({ region: ix.region, shops: ix.entries.size }))
      .sort((a, b) => b.shops - a.shops)
      .slice(0, n);
  }
  get entries(): number {
    let n = 0;
    for (const ix of this.built.values()) n += ix.entries.size;
    return n;
  }

  private async build(region: string): Promise<RegionIndex> {
    // Every shop the region's lists hold a guard for: open ones and those paused or closed since.
    const perList = await Promise.all(CATEGORIES.map((c) => this.store.listShopIds(docKey.list(region, c))));
    const ids = [...new Set(perList.flat())];
    const index: RegionIndex = {
      region,
      version: ++this.version,
      builtAt: this.now(),
      entries: new Map(),
      bytes: 256,
    };
    const now = this.now();
    for (let i = 0; i < ids.length; i += 500) {
      const docs = await this.store.getMany(ids.slice(i, i + 500).map((id) => docKey.detail(id)));
      for (const doc of docs) {
        const d = doc ? (JSON.parse(doc.body) as DetailDocument) : null;
        if (d && !d.deleted && d.regions.includes(region)) index.entries.set(d.id, entryOf(d, region, now));
      }
    }
    for (const e of index.entries.values()) index.bytes += entryBytes(e);
    this.built.set(region, index);
    // What was written while the details were read may be newer than what the index took.
    const replay = [...this.writtenWhileBuilding];
    if (this.building.size <= 1) this.writtenWhileBuilding.clear();
    for (const id of replay) await this.refresh(id).catch(() => {});
    return index;
  }

  /** A detail changed: every built region that holds the shop, or that it now delivers to, follows. */
  private async refresh(id: string): Promise<void> {
    // No region indexed yet (nobody searched): nothing to follow. Reading the detail anyway cost a
    // store read, an unpack and a parse per write — 6 % of the query side's CPU at 500 changes/s.
    if (this.built.size === 0) return;
    const holding = [...this.built.values()].filter((ix) => ix.entries.has(id));
    const doc = await this.store.get(docKey.detail(id));
    const d = doc ? (JSON.parse(doc.body) as DetailDocument) : null;
    const regions = d && !d.deleted ? d.regions : [];
    const touched = new Set([...holding, ...regions.flatMap((r) => this.built.get(r) ?? [])]);
    const now = this.now();
    for (const ix of touched) {
      if (d && !d.deleted && regions.includes(ix.region)) ix.entries.set(id, entryOf(d, ix.region, now));
      else ix.entries.delete(id);
      ix.version = ++this.version;
    }
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }
}
