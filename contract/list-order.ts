import type { ListEntry } from "./documents.ts";

/**
 * A list's serving order as one string per entry, so a store can keep a list sorted without knowing
 * the rules: byte order of `listSortKey(e) + e.id` equals `compareEntries` (projection/list.ts) —
 * live open_list ads first (bid desc), then live ultra_call (bid desc), then the rest by rating desc,
 * reviewCount desc, id. Redis keeps members of one score in exactly that byte order (ZADD with score
 * 0, https://redis.io/docs/latest/develop/data-types/sorted-sets/#lexicographical-scores), and the
 * memory and KV adapters binary-search the same strings.
 *
 * Fixed width, so the id that follows it can be cut off again: rank (1) · inverted bid (9) ·
 * inverted rating bits (16 hex) · inverted review count (16).
 */
export const LIST_SORT_WIDTH = 42;

const BID_CEILING = 999_999_999; // bids are capped at 100,000,000 by the contract
const view = new DataView(new ArrayBuffer(8));
const hex8 = (n: number) => n.toString(16).padStart(8, "0");

export function listSortKey(e: Pick<ListEntry, "ad" | "rating" | "reviewCount">): string {
  const rank = e.ad ? (e.ad.product === "open_list" ? "0" : "1") : "2";
  const bid = String(BID_CEILING - (e.ad?.bid ?? 0)).padStart(9, "0");
  // A non-negative double's IEEE-754 bits, read big-endian, sort like the number; inverted: descending.
  view.setFloat64(0, e.rating + 0);
  const rating = hex8(~view.getUint32(0) >>> 0) + hex8(~view.getUint32(4) >>> 0);
  const reviews = String(Number.MAX_SAFE_INTEGER - e.reviewCount).padStart(16, "0");
  return rank + bid + rating + reviews;
}

/** The member a store keeps for an entry: its sort key followed by its id. */
export const listMember = (e: Pick<ListEntry, "id" | "ad" | "rating" | "reviewCount">) =>
  listSortKey(e) + e.id;
export const idOfMember = (member: string) => member.slice(LIST_SORT_WIDTH);
