import { CATEGORIES, type Category } from "./domain.ts";

/**
 * Document key names, shared by the sync-worker (writer) and the edge (reader). The store adds its
 * deployment prefix in front; these are the names inside it.
 */
export type DocKey =
  | { kind: "detail"; shopId: string }
  | { kind: "list"; region: string; category: Category }
  | { kind: "main"; region: string };

export const docKey = {
  detail: (shopId: string) => `detail:${shopId}`,
  list: (region: string, category: Category) => `list:${region}:${category}`,
  main: (region: string) => `main:${region}`,
};

export function formatDocKey(key: DocKey): string {
  switch (key.kind) {
    case "detail":
      return docKey.detail(key.shopId);
    case "list":
      return docKey.list(key.region, key.category);
    case "main":
      return docKey.main(key.region);
  }
}

/** A document key's kind from its prefix alone (cheap enough for every store write); null otherwise. */
export function docKindOf(key: string): DocKey["kind"] | null {
  const kind = key.slice(0, key.indexOf(":"));
  return kind === "detail" || kind === "list" || kind === "main" ? kind : null;
}

/** The region of a list key (`list:REGION:CATEGORY`), without validating it: the store's own keys. */
export const listRegion = (key: string): string => key.slice(5, key.indexOf(":", 5));

const SAFE = /^[A-Za-z0-9_-]{1,64}$/;

/** Parses a key an operator typed (e.g. for purge); null when it is not a document key. */
export function parseDocKey(raw: string): DocKey | null {
  const [kind, a, b, ...rest] = raw.split(":");
  if (rest.length > 0 || a === undefined || !SAFE.test(a)) return null;
  if (kind === "detail" && b === undefined) return { kind, shopId: a };
  if (kind === "main" && b === undefined) return { kind, region: a };
  if (kind === "list" && b !== undefined && (CATEGORIES as readonly string[]).includes(b)) {
    return { kind, region: a, category: b as Category };
  }
  return null;
}
