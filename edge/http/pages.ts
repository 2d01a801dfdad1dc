import { LRUCache } from "lru-cache";
import { AppError, type ListEntry, listMember } from "../../contract/index.ts";
import { encode, etagOf, type L1Entry, type Page } from "../l1.ts";

const MAX_PAGES_PER_ENTRY = 64;

/**
 * Where the next page starts: the list version the previous page was cut from, the offset in it,
 * and the member (sort key + id) of the last shop shown. Base64url, so clients do not build their own.
 */
export type Cursor = { version: number | null; offset: number; after: string | null };

const b64url = (text: string) => btoa(text).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
export const encodeCursor = (c: { version: number; offset: number; after: string }) =>
  b64url(`v1.${c.version}.${c.offset}.${c.after}`);

export function decodeCursor(cursor: string | undefined): Cursor {
  if (cursor === undefined) return { version: null, offset: 0, after: null };
  try {
    const text = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const v1 = /^v1\.(\d{1,15})\.(\d{1,7})\.([0-9a-f]{42}[A-Za-z0-9_-]{1,64})$/.exec(text);
    if (v1) return { version: Number(v1[1]), offset: Number(v1[2]), after: v1[3] as string };
    const offsetOnly = /^o:(\d{1,7})$/.exec(text); // cursors issued before versions were named
    if (offsetOnly) return { version: null, offset: Number(offsetOnly[1]), after: null };
  } catch {}
  throw new AppError("validation_failed", "Invalid query: cursor: not a cursor this API issued", {
    details: [{ field: "cursor", message: "not a cursor this API issued" }],
  });
}

/**
 * Stable paging over lists that keep changing. A cursor names the list version its page was cut
 * from; while this edge still holds that version (`retainMs`, default 10 minutes), the next page is
 * cut from it, so a walk through the pages sees one version: no shop twice, none skipped. Past that
 * (another edge instance, an isolate on Workers, eviction), the next page starts after the last shop
 * shown, by its place in the serving order (keyset): shops that did not move are neither repeated
 * nor skipped; one that moved across the cursor may be.
 */
export function createPager(o: { retainMs: number; maxVersions?: number }) {
  const retained = new LRUCache<string, L1Entry>({ max: o.maxVersions ?? 2000, ttl: o.retainMs });
  return {
    page(key: string, current: L1Entry, cursor: Cursor, limit: number): { entry: L1Entry; page: Page } {
      let entry = current;
      let offset = cursor.offset;
      if (cursor.version !== null && cursor.version !== current.version) {
        const kept = o.retainMs > 0 ? retained.get(`${key}@${cursor.version}`) : undefined;
        if (kept) entry = kept;
        else if (cursor.after !== null) offset = positionAfter(current, cursor.after);
      }
      // Kept once per version and page, when the page (and its cursor) is first made.
      const page = listPage(entry, offset, limit, () => {
        if (o.retainMs > 0) retained.set(`${key}@${entry.version}`, entry);
      });
      return { entry, page };
    },
  };
}
export type Pager = ReturnType<typeof createPager>;

/** Index of the first entry after `member` in serving order (members sort as the list does). */
function positionAfter(entry: L1Entry, member: string): number {
  const list = entry.list as NonNullable<L1Entry["list"]>;
  entry.members ??= list.shops.map((s) => listMember(s));
  const members = entry.members;
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((members[mid] as string) <= member) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One page of a stored list, rendered once per (entry, offset, limit) and kept with the entry, so
 * paging a hot list costs no JSON.stringify after the first request for that page.
 */
function listPage(entry: L1Entry, offset: number, limit: number, made: () => void): Page {
  const pageKey = `${offset}:${limit}`;
  const cached = entry.pages?.get(pageKey);
  if (cached) return cached;
  const list = entry.list as NonNullable<L1Entry["list"]>;
  const shops: ListEntry[] = list.shops.slice(offset, offset + limit);
  const end = offset + shops.length;
  const last = shops.at(-1);
  const next =
    end < list.total && last ? { version: entry.version, offset: end, after: listMember(last) } : null;
  const page: Page = {
    bytes: encode(
      JSON.stringify({
        region: list.region,
        category: list.category,
        total: list.total,
        shops,
        next: next ? encodeCursor(next) : null,
      }),
    ),
    etag: etagOf(entry.version, entry.seq, entry.builtAtMs, `.${offset}.${limit}`),
  };
  entry.pages ??= new Map();
  if (entry.pages.size < MAX_PAGES_PER_ENTRY) entry.pages.set(pageKey, page);
  if (next) made();
  return page;
}
