import { type DetailDocument, isAdLive, type ShopStateResponse } from "../contract/index.ts";

/**
 * Shop detail from the origin's full state: public fields, menus, the ads live at `now`, and only the
 * owner's public fields. Private fields (owner phone, email, bank account) are dropped by naming what
 * goes in, never by deleting what must not: a new private field can't leak by default.
 */
export function projectDetail(state: ShopStateResponse, now: number): DetailDocument {
  const { shop, seq } = state;
  const builtAt = new Date(now).toISOString();
  if (shop.deleted) return { id: shop.id, deleted: true, version: shop.version, seq, builtAt };
  return {
    id: shop.id,
    name: shop.name,
    category: shop.category,
    regions: shop.regions,
    address: shop.address,
    phone: shop.phone,
    minOrder: shop.minOrder,
    deliveryFee: shop.deliveryFee,
    openHours: shop.openHours,
    status: shop.status,
    rating: shop.rating,
    reviewCount: shop.reviewCount,
    menus: shop.menus.map((m) => ({
      id: m.id,
      name: m.name,
      price: m.price,
      description: m.description,
      soldOut: m.soldOut,
      popular: m.popular,
    })),
    ads: shop.ads
      .filter((ad) => isAdLive(ad, now))
      .map((ad) => ({
        id: ad.id,
        product: ad.product,
        regions: ad.regions,
        startsAt: ad.startsAt,
        endsAt: ad.endsAt,
        bid: ad.bid,
      })),
    owner: {
      name: shop.owner.name,
      businessName: shop.owner.businessName,
      businessNumber: shop.owner.businessNumber,
    },
    deleted: false,
    version: shop.version,
    seq,
    builtAt,
  };
}

/**
 * The next moment an ad of these starts or ends: documents built now go stale then, with no event,
 * so the sync-worker schedules a rebuild for it (an ad's start or end changes the documents with no event). Null when nothing is pending.
 */
export function nextAdBoundary(
  ads: readonly { status: string; startsAt: string; endsAt: string }[],
  now: number,
): number | null {
  let next: number | null = null;
  for (const ad of ads) {
    if (ad.status !== "active") continue;
    for (const at of [Date.parse(ad.startsAt), Date.parse(ad.endsAt)]) {
      if (at > now && (next === null || at < next)) next = at;
    }
  }
  return next;
}
