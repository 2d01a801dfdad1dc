import { docKey } from "../contract/index.ts";
import { FEATURED_LIMIT, mainFromHeads, regionLists } from "../projection/index.ts";
import type { ServedStore, StoredDoc } from "../store/port.ts";

/**
 * A region's main as a stored document, made when it is read from the first entries and sizes of
 * the region's ten lists (one store round trip; nothing of main is ever written). Its version is the
 * newest list revision and its build time the newest list change, so the same lists give the same
 * bytes and the same ETag. Null while the region has no list yet: the edge asks the origin.
 */
export async function mainFromStore(store: ServedStore, region: string): Promise<StoredDoc | null> {
  const heads = await store.listHeads(regionLists(region), FEATURED_LIMIT);
  if (heads.every((h) => h.rev === 0)) return null;
  const builtAt = heads
    .map((h) => h.at)
    .sort()
    .at(-1) as string; // ISO times sort as strings
  const main = mainFromHeads(region, heads, Date.parse(builtAt));
  return {
    key: docKey.main(region),
    body: JSON.stringify(main),
    version: Math.max(...heads.map((h) => h.rev)),
    seq: main.seq,
    builtAt: main.builtAt,
  };
}
