import {
  type Ad,
  CATEGORIES,
  type Category,
  docKey,
  ListEntry,
  listMember,
  type MainDoc,
  type ShopAggregate,
  type ShopListDoc,
  type ShopListStateResponse,
} from "../contract/index.ts";
import { bestLiveAd, entryWithAd, toListEntry } from "./list.ts";
import { projectMain } from "./main.ts";

export type EntryChange = {
  list: string;
  id: string;
  entry: { member: string; card: string } | null;
};

/**
 * A shop's entry in each list it may be in (`lists`: where it was plus where it is now): the card
 * and member where it is listed now (open, not deleted, delivering to the region, of the list's
 * category), a removal everywhere else. The shop's own state is all this needs — no other entry of
 * any list is read, which is why a change costs the same in a list of 10 or 10,000.
 */
export function entryChanges(shop: ShopAggregate, lists: readonly string[], now: number): EntryChange[] {
  const listed = shop.deleted || shop.status !== "open" ? new Set<string>() : new Set(shop.regions);
  // A card differs between regions only by the ad that is live there: most shops have none, so one
  // card serves all their ~12 lists — made (and stringified) once per distinct ad, not once a list.
  const byAd = new Map<Ad | null, { member: string; card: string }>();
  return lists.map((list) => {
    const [, region = "", category] = list.split(":");
    if (!listed.has(region) || category !== shop.category) return { list, id: shop.id, entry: null };
    const ad = bestLiveAd(shop.ads, region, now);
    let entry = byAd.get(ad);
    if (!entry) {
      const card = entryWithAd(shop, ad);
      entry = { member: listMember(card), card: JSON.stringify(card) };
      byAd.set(ad, entry);
    }
    return { list, id: shop.id, entry };
  });
}

/**
 * Every entry of one list from the origin's list source, each guarded by its shop's version at the
 * source's seq: what an edge writes with `seedList` when it had to ask the origin for a list.
 */
export function seedEntries(region: string, category: Category, state: ShopListStateResponse, now: number) {
  return state.shops
    .filter((s) => !s.deleted && s.status === "open" && s.category === category && s.regions.includes(region))
    .map((s) => {
      const entry = toListEntry(s, region, now);
      const guard = { version: s.version, seq: state.seq };
      return { id: s.id, guard, member: listMember(entry), card: JSON.stringify(entry) };
    });
}

export const regionLists = (region: string) => CATEGORIES.map((c) => docKey.list(region, c));

/**
 * Main from the first entries of the region's ten lists and their sizes. Featured shops are the best
 * live ads across the region, and a list sorts its live ads first, so the first FEATURED_LIMIT
 * entries of each list hold every candidate: the answer equals `projectMain` over the whole lists.
 * Main is never stored: the edge makes it from the heads when it reads it (edge/main-from-store.ts),
 * so a change to a featured shop rewrites its list entries, not ten mains.
 */
export function mainFromHeads(
  region: string,
  heads: readonly { total: number; seq: number; cards: readonly string[] }[],
  now: number,
): MainDoc {
  const builtAt = new Date(now).toISOString();
  const lists: ShopListDoc[] = heads.map((h, i) => ({
    region,
    category: CATEGORIES[i] as Category,
    total: h.total,
    // Only entries with a live ad can be featured: only those are validated (and kept).
    shops: h.cards
      .map((c) => JSON.parse(c) as ListEntry)
      .filter((e) => e.ad !== null)
      .map((e) => ListEntry.parse(e)),
    seq: h.seq,
    builtAt,
  }));
  return projectMain(region, lists, now);
}
