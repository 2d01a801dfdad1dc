import type { OriginClient } from "../clients/index.ts";
import { parseDocKey } from "../contract/index.ts";
import { regionLists } from "../projection/index.ts";
import type { Logger } from "../runtime/index.ts";
import type { Rebuilder } from "./pipeline/rebuild.ts";

/**
 * After an operator purges list or main keys: lists are kept entry by entry, so nothing else would
 * put back the entries of shops that do not change. Each purged list (a main's: all ten of its
 * region) is rebuilt from the origin's list source in one rebuild — one write per list, so it never
 * shows half filled. Until then the list is absent and the edge answers it from the origin.
 */
export async function refillLists(
  o: { origin: OriginClient; rebuilder: Rebuilder; logger: Logger },
  keys: readonly string[],
): Promise<number> {
  const lists = new Set<string>();
  for (const key of keys) {
    const parsed = parseDocKey(key);
    if (parsed?.kind === "list") lists.add(key);
    if (parsed?.kind === "main") for (const list of regionLists(parsed.region)) lists.add(list);
  }
  let shops = 0;
  for (const list of lists) {
    const parsed = parseDocKey(list);
    if (parsed?.kind !== "list") continue;
    try {
      const state = await o.origin.list(parsed.region, parsed.category);
      const ids = state.shops.map((s) => s.id);
      const outcome = await o.rebuilder.rebuildShops(ids);
      shops += ids.length - outcome.failed.size;
      if (outcome.failed.size) o.logger.warn("purge.refill_partial", { list, failed: outcome.failed.size });
    } catch (error) {
      o.logger.warn("purge.refill_failed", { list, error: String(error) });
    }
  }
  return shops;
}
