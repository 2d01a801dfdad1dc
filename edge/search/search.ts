import { LRUCache } from "lru-cache";
import { AppError, type SearchPage } from "../../contract/index.ts";
import type { EdgeCatalogue } from "../catalogue.ts";
import { encode, etagOf, type L1Entry } from "../l1.ts";
import { notFoundBody } from "../l1-entries.ts";
import { parseQuery, score, typoBudget } from "./match.ts";
import type { RegionIndex, SearchEntry, SearchIndexes } from "./regions.ts";

type Ranked = { entry: SearchEntry; quality: number; menus: string[] };

/**
 * Ranks a region's shops for a query: by match quality (the shop's name above its menus above its
 * category; exact, prefix, substring, initial consonants, one jamo off), then open before paused or
 * closed, then the list's serving order. The ranked list of one index version is kept, so the
 * pages of one query come from one ranking: a cursor names the version it was cut from.
 */
function rank(index: RegionIndex, q: string, typoCells: number): { ranked: Ranked[]; partial: boolean } {
  const query = parseQuery(q);
  const budget = typoBudget(typoCells);
  const out: Ranked[] = [];
  for (const entry of index.entries.values()) {
    const name = score(query, entry.name, budget);
    // Each menu scored once: the best score ranks, the matching ones are shown.
    const menus: string[] = [];
    let menuBest = 0;
    for (const m of entry.menus) {
      const sc = score(query, m, budget);
      if (sc > 0) menus.push(m.text);
      if (sc > menuBest) menuBest = sc;
    }
    const category = Math.max(0, ...entry.category.map((c) => score(query, c)));
    const quality = name > 0 ? 100 + name * 10 : menuBest > 0 ? 50 + menuBest * 5 : category >= 3 ? 10 : 0;
    if (quality > 0) out.push({ entry, quality, menus });
  }
  const ranked = out.sort(
    (a, b) =>
      b.quality - a.quality ||
      Number(b.entry.open) - Number(a.entry.open) ||
      (a.entry.member < b.entry.member ? -1 : a.entry.member > b.entry.member ? 1 : 0),
  );
  return { ranked, partial: budget.exhausted };
}

const cursorOf = (version: number, offset: number) => btoa(`s1.${version}.${offset}`).replace(/=+$/, "");
function parseCursor(cursor: string | undefined): { version: number | null; offset: number } {
  if (cursor === undefined) return { version: null, offset: 0 };
  try {
    const m = /^s1\.(\d{1,15})\.(\d{1,6})$/.exec(atob(cursor));
    if (m) return { version: Number(m[1]), offset: Number(m[2]) };
  } catch {}
  throw new AppError("validation_failed", "Invalid query: cursor: not a cursor this API issued", {
    details: [{ field: "cursor", message: "not a cursor this API issued" }],
  });
}

/** A short hash of the query for the ETag (FNV-1a, 32 bits): the ETag stays ASCII and short. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/**
 * Search over the regions' indexes. A region the catalogue does not have is a 404 before any index
 * is built (a client cannot make the edge build one for a made-up region); each query's typo pass
 * stops at `typoCells` and the page says `partial`.
 */
export function createSearch(
  indexes: SearchIndexes,
  o: { catalogue: EdgeCatalogue; typoCells: number; now?: () => number },
) {
  const rankings = new LRUCache<string, { ranked: Ranked[]; partial: boolean }>({ max: 5000 });
  // Pages rendered once per (ranking, offset, limit): a hot query costs no ranking and no JSON.
  const pages = new LRUCache<string, L1Entry>({ max: 20_000 });
  return {
    /** One page of results as an L1-shaped entry, so it is answered like every other document. */
    async page(p: { region: string; q: string; limit: number; cursor?: string | undefined }) {
      const cursor = parseCursor(p.cursor);
      if (!indexes.has(p.region) && (await o.catalogue.verdict("region", p.region)) === "unknown")
        return { entry: unknownRegion(p.region, (o.now ?? Date.now)()), xcache: "MISS" as const };
      const { index, hit } = await indexes.region(p.region);
      const key = parseQuery(p.q).key;
      // The cursor's ranking while it is kept; else today's, from the same offset.
      const version =
        cursor.version !== null && rankings.has(`${p.region}@${cursor.version}:${key}`)
          ? cursor.version
          : index.version;
      const rankingKey = `${p.region}@${version}:${key}`;
      const pageKey = `${rankingKey}:${cursor.offset}:${p.limit}:${p.q}`;
      const made = pages.get(pageKey);
      if (made) return { entry: made, xcache: "HIT" as const };
      let ranking = rankings.get(rankingKey);
      if (!ranking) {
        ranking = rank(index, p.q, o.typoCells);
        rankings.set(rankingKey, ranking);
      }
      const { ranked, partial } = ranking;
      const slice = ranked.slice(cursor.offset, cursor.offset + p.limit);
      const end = cursor.offset + slice.length;
      const body: SearchPage = {
        region: p.region,
        q: p.q,
        total: ranked.length,
        shops: slice.map((r) => ({ ...r.entry.card, open: r.entry.open, matchedMenus: r.menus })),
        next: end < ranked.length ? cursorOf(version, end) : null,
        partial,
      };
      const entry: L1Entry = {
        status: 200,
        bytes: encode(JSON.stringify(body)),
        etag: etagOf(version, 0, index.builtAt, `.s${fnv1a(key)}.${cursor.offset}.${p.limit}`),
        version,
        seq: 0,
        builtAtMs: index.builtAt,
        freshUntil: 0,
      };
      pages.set(pageKey, entry);
      return { entry, xcache: hit ? ("HIT" as const) : ("MISS" as const) };
    },
  };
}
export type Search = ReturnType<typeof createSearch>;

const unknownRegion = (region: string, now: number): L1Entry => ({
  status: 404,
  bytes: notFoundBody("region", region, "no shop delivers there"),
  etag: null,
  version: 0,
  seq: 0,
  builtAtMs: now,
  freshUntil: 0,
});
