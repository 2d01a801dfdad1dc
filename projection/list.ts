import {
  type Ad,
  type Category,
  docKey,
  isAdLive,
  type ListEntry,
  type ListShop,
  type ShopListDoc,
  type ShopListStateResponse,
} from "../contract/index.ts";

const PRODUCT_RANK: Record<Ad["product"], number> = { open_list: 0, ultra_call: 1 };

/** A shop's best live ad in a region: open_list (top slots) before ultra_call, then the higher bid. */
export function bestLiveAd(ads: readonly Ad[], region: string, now: number): Ad | null {
  let best: Ad | null = null;
  for (const ad of ads) {
    if (!isAdLive(ad, now) || !ad.regions.includes(region)) continue;
    if (
      !best ||
      PRODUCT_RANK[ad.product] < PRODUCT_RANK[best.product] ||
      (ad.product === best.product && ad.bid > best.bid)
    ) {
      best = ad;
    }
  }
  return best;
}

/**
 * Serving order of a shop list: live open_list ads first (bid desc), then live ultra_call
 * (bid desc), then the rest by rating desc, reviewCount desc, id. Only `open` shops are listed.
 */
export function compareEntries(a: ListEntry, b: ListEntry): number {
  const rank = (e: ListEntry) => (e.ad ? PRODUCT_RANK[e.ad.product] : 2);
  return (
    rank(a) - rank(b) ||
    (b.ad?.bid ?? 0) - (a.ad?.bid ?? 0) ||
    b.rating - a.rating ||
    b.reviewCount - a.reviewCount ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function toListEntry(shop: ListShop, region: string, now: number): ListEntry {
  return entryWithAd(shop, bestLiveAd(shop.ads, region, now));
}

/** A shop's card given its best live ad in the region: the ad is the only part a region changes. */
export function entryWithAd(shop: Omit<ListShop, "ads">, ad: Ad | null): ListEntry {
  return {
    id: shop.id,
    name: shop.name,
    category: shop.category,
    rating: shop.rating,
    reviewCount: shop.reviewCount,
    minOrder: shop.minOrder,
    deliveryFee: shop.deliveryFee,
    openHours: shop.openHours,
    ad: ad ? { product: ad.product, bid: ad.bid, endsAt: ad.endsAt } : null,
  };
}

export function projectList(
  region: string,
  category: Category,
  state: ShopListStateResponse,
  now: number,
): ShopListDoc {
  const shops = state.shops
    .filter((s) => !s.deleted && s.status === "open" && s.category === category && s.regions.includes(region))
    .map((s) => toListEntry(s, region, now))
    .sort(compareEntries);
  return {
    region,
    category,
    total: shops.length,
    shops,
    seq: state.seq,
    builtAt: new Date(now).toISOString(),
  };
}

/** The list documents a shop appears in while it exists (any status: pausing must rebuild them). */
export function listKeysOf(shop: {
  deleted: boolean;
  regions: readonly string[];
  category: Category;
}): string[] {
  return shop.deleted ? [] : [...new Set(shop.regions)].map((r) => docKey.list(r, shop.category)).sort();
}
