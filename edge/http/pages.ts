import { AppError, type ListEntry } from "../../contract/index.ts";
import { encode, etagOf, type L1Entry, type Page } from "../l1.ts";

const MAX_PAGES_PER_ENTRY = 64;

/** Opaque cursor: the offset into the stored list, base64url so clients do not build their own. */
export const encodeCursor = (offset: number) =>
  btoa(`o:${offset}`).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const text = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const match = /^o:(\d{1,7})$/.exec(text);
    if (match) return Number(match[1]);
  } catch {}
  throw new AppError("validation_failed", "Invalid query: cursor: not a cursor this API issued", {
    details: [{ field: "cursor", message: "not a cursor this API issued" }],
  });
}

/**
 * One page of a stored list, rendered once per (entry, offset, limit) and kept with the entry, so
 * paging a hot list costs no JSON.stringify after the first request for that page.
 */
export function listPage(entry: L1Entry, offset: number, limit: number): Page {
  const pageKey = `${offset}:${limit}`;
  const cached = entry.pages?.get(pageKey);
  if (cached) return cached;
  const list = entry.list as NonNullable<L1Entry["list"]>;
  const shops: ListEntry[] = list.shops.slice(offset, offset + limit);
  const end = offset + shops.length;
  const page: Page = {
    bytes: encode(
      JSON.stringify({
        region: list.region,
        category: list.category,
        total: list.total,
        shops,
        next: end < list.total ? encodeCursor(end) : null,
      }),
    ),
    etag: etagOf(entry.version, entry.seq, entry.builtAtMs, `.${offset}.${limit}`),
  };
  entry.pages ??= new Map();
  if (entry.pages.size < MAX_PAGES_PER_ENTRY) entry.pages.set(pageKey, page);
  return page;
}
