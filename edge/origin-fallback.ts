import { CATEGORIES, type DocKey, docKey, type OriginClient } from "../contract/index.ts";
import { projectDetail, projectList, projectMain } from "../projection/index.ts";
import type { NewDoc } from "../store/port.ts";

/**
 * `store: false` for lists and mains: the sync-worker keeps lists entry by entry (store/port.ts) and
 * mains are made from them when read, so what is fetched here is served and kept in L1 only.
 */
export type Built = { key: string; doc: NewDoc; parsed: unknown; store?: false };

/**
 * Builds a document from the origin's state with the same projection the sync-worker uses, so a
 * fallback answer is byte-for-byte what the sync-worker would have stored. Main needs its region's
 * ten lists: they are built too and written through with it. Null: the origin has no such shop.
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
  if (key.kind === "list") {
    const state = await origin.list(key.region, key.category);
    const doc = projectList(key.region, key.category, state, now);
    return [
      {
        key: docKey.list(key.region, key.category),
        doc: { body: JSON.stringify(doc), version: 0, seq: state.seq, builtAt },
        parsed: doc,
        store: false,
      },
    ];
  }
  const lists = await Promise.all(
    CATEGORIES.map(async (category) =>
      projectList(key.region, category, await origin.list(key.region, category), now),
    ),
  );
  const main = projectMain(key.region, lists, now);
  return [
    {
      key: docKey.main(key.region),
      doc: { body: JSON.stringify(main), version: 0, seq: main.seq, builtAt },
      parsed: main,
      store: false,
    },
    ...lists
      .filter((l) => l.total > 0)
      .map((l) => ({
        key: docKey.list(l.region, l.category),
        doc: { body: JSON.stringify(l), version: 0, seq: l.seq, builtAt },
        parsed: l,
        store: false as const,
      })),
  ];
}
