import type { OriginClient } from "../clients/index.ts";
import { CATEGORIES, type Category, type DocKey, docKey } from "../contract/index.ts";
import { projectDetail, projectList, projectMain, seedEntries } from "../projection/index.ts";
import type { NewDoc, SeedEntry } from "../store/port.ts";

/**
 * What the edge got from the origin: the answer (`doc`, kept in L1) and how to write it through.
 * A detail is a guarded put; a list is seeded entry by entry where the store has none (lists are
 * kept entry by entry, store/port.ts); a main is never stored (it is made from its lists).
 */
export type Built = { key: string; doc: NewDoc; parsed: unknown; seed?: SeedEntry[]; store?: false };

/**
 * Builds a document from the origin's state with the same projection the sync-worker uses, so a
 * fallback answer is byte-for-byte what the sync-worker would have stored. Main needs its region's
 * ten lists: they are built and seeded too. Null: the origin has no such shop.
 */
export async function buildFromOrigin(
  origin: OriginClient,
  key: DocKey,
  now: number,
): Promise<Built[] | null> {
  const builtAt = new Date(now).toISOString();
  if (key.kind === "detail") {
    const state = await origin.shop(key.shopId);
    if (!state) return null;
    const doc = projectDetail(state, now);
    return [
      {
        key: docKey.detail(key.shopId),
        doc: { body: JSON.stringify(doc), version: state.shop.version, seq: state.seq, builtAt },
        parsed: doc,
      },
    ];
  }
  const list = async (region: string, category: Category): Promise<Built> => {
    const state = await origin.list(region, category);
    const doc = projectList(region, category, state, now);
    return {
      key: docKey.list(region, category),
      doc: { body: JSON.stringify(doc), version: 0, seq: state.seq, builtAt },
      parsed: doc,
      seed: seedEntries(region, category, state, now),
    };
  };
  if (key.kind === "list") return [await list(key.region, key.category)];
  const lists = await Promise.all(CATEGORIES.map((category) => list(key.region, category)));
  const main = projectMain(
    key.region,
    lists.map((l) => l.parsed as ReturnType<typeof projectList>),
    now,
  );
  // Lists first: seeding one announces it, and edges drop the region's main from L1 when a list of
  // it is written — the main kept last is then the one that stays.
  return [
    ...lists,
    {
      key: docKey.main(key.region),
      doc: { body: JSON.stringify(main), version: 0, seq: main.seq, builtAt },
      parsed: main,
      store: false,
    },
  ];
}
