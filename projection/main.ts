import { CATEGORIES, type MainDoc, type ShopListDoc } from "../contract/index.ts";
import { compareEntries } from "./list.ts";

export const FEATURED_LIMIT = 10;

/**
 * Main (home) for a region from its ten list documents: open-shop counts per category and the
 * featured shops (live ads) across them. A list never built counts as empty.
 */
export function projectMain(region: string, lists: readonly (ShopListDoc | null)[], now: number): MainDoc {
  const byCategory = new Map(lists.filter((l): l is ShopListDoc => l !== null).map((l) => [l.category, l]));
  const featured = [...byCategory.values()]
    .flatMap((l) => l.shops.filter((s) => s.ad !== null))
    .sort(compareEntries)
    .slice(0, FEATURED_LIMIT);
  return {
    region,
    categories: CATEGORIES.map((category) => ({ category, count: byCategory.get(category)?.total ?? 0 })),
    featured,
    seq: Math.max(0, ...[...byCategory.values()].map((l) => l.seq)),
    builtAt: new Date(now).toISOString(),
  };
}
