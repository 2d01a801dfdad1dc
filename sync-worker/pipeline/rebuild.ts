import {
  type ChangeEvent,
  docKey,
  type Logger,
  MainDoc,
  type OriginClient,
  parseDocKey,
  type ShopStateResponse,
} from "../../contract/index.ts";
import {
  entryChanges,
  FEATURED_LIMIT,
  listKeysOf,
  mainFromHeads,
  nextAdBoundary,
  projectDetail,
  regionLists,
} from "../../projection/index.ts";
import type { DocumentStore, Guard, ListChange } from "../../store/port.ts";

export type RebuildDeps = {
  origin: OriginClient;
  store: DocumentStore;
  /** Where rebuilds at future ad start/end times are scheduled (a delayed queue send). */
  schedule: (event: ChangeEvent, delayMs: number) => Promise<void>;
  logger: Logger;
  now?: () => number;
  /** Told the bytes written to the store for each shop rebuilt (its detail, entries, share of mains). */
  onBytes?: (bytes: number, shopId: string) => void;
};

export type RebuildOutcome = { failed: Map<string, string>; written: number };
type Planned = { id: string; guard: Guard; leave: string[]; vanished: boolean; bytes: number };

const reasonOf = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
// setTimeout's ceiling; a farther boundary is re-scheduled by the rebuild that fires first.
const MAX_DELAY_MS = 2 ** 31 - 1;
// A shop the origin no longer knows leaves its lists for good: no later state may put it back.
const GONE: Guard = { version: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER };
const encoder = new TextEncoder();

/**
 * Turns a coalesced set of shop ids into documents, one state fetch per shop and nothing else from
 * the origin: detail (or tombstone) → the shop's entry in each list it was or is in, applied entry by
 * entry under the shop's (version, seq) guard → main of each region whose lists changed, from the
 * heads of its ten lists. A shop whose state or entries could not be written is reported failed;
 * its list bookkeeping only grows until its entries are written, so the retry reaches every list.
 */
export class Rebuilder {
  private readonly scheduled = new Set<string>();
  constructor(private readonly deps: RebuildDeps) {}

  async rebuildShops(shopIds: readonly string[]): Promise<RebuildOutcome> {
    const { store } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const builtAt = new Date(now).toISOString();
    const failed = new Map<string, string>();
    const planned: Planned[] = [];
    const changes: { shop: number; change: ListChange }[] = [];
    let written = 0;

    await Promise.all(
      [...new Set(shopIds)].map(async (id) => {
        try {
          const state = await this.deps.origin.shop(id);
          const plan = await this.plan(id, state, now);
          if (plan.detailWritten) written++;
          const at = planned.push(plan.planned) - 1;
          for (const change of plan.changes) changes.push({ shop: at, change });
        } catch (error) {
          failed.set(id, reasonOf(error));
        }
      }),
    );

    let changedLists: string[] = [];
    let forMain: string[] = [];
    try {
      const applied = await store.applyLists(
        changes.map((c) => c.change),
        builtAt,
      );
      changes.forEach((c, i) => {
        (planned[c.shop] as Planned).bytes += applied.bytes[i] ?? 0;
      });
      changedLists = applied.changed;
      forMain = applied.forMain;
    } catch (error) {
      for (const p of planned) failed.set(p.id, `lists: ${reasonOf(error)}`);
      return { failed, written };
    }
    for (const p of planned) {
      if (p.vanished) await store.purgeShop(p.id);
      else if (p.leave.length > 0) await store.releaseLists(p.id, p.guard, p.leave);
    }
    written += changedLists.length;

    const regions = new Set<string>();
    // Only where a list's size or its live ads changed: a rename or a rating change of a shop without
    // an ad cannot change main, and most changes are those.
    for (const key of forMain) {
      const parsed = parseDocKey(key);
      if (parsed?.kind === "list") regions.add(parsed.region);
    }
    const mains = await this.rebuildMains([...regions], now);
    written += mains.written;
    const mainBytes = mains.bytes;
    for (const p of planned) this.deps.onBytes?.(p.bytes + mainBytes / Math.max(1, planned.length), p.id);
    return { failed, written };
  }

  /** A shop's detail is written at once; its list entries are planned, to be applied in one call. */
  private async plan(id: string, state: ShopStateResponse | null, now: number) {
    const { store } = this.deps;
    if (state === null) {
      // Vanished (never existed, or removed for good): leave every list, then drop what we hold.
      const lists = await store.getMemberships(id);
      const changes = lists.map((list) => ({ list, id, guard: GONE, entry: null }));
      return {
        detailWritten: false,
        changes,
        planned: { id, guard: GONE, leave: [], vanished: true, bytes: 0 },
      };
    }
    const doc = projectDetail(state, now);
    const body = JSON.stringify(doc);
    const put = await store.put(docKey.detail(id), {
      body,
      version: state.shop.version,
      seq: state.seq,
      builtAt: doc.builtAt,
    });
    const guard = { version: state.shop.version, seq: state.seq };
    const wanted = listKeysOf(state.shop);
    const lists = await store.registerLists(id, guard, wanted);
    await this.scheduleBoundary(id, nextAdBoundary(state.shop.ads, now), now);
    return {
      detailWritten: put.written,
      changes: entryChanges(state.shop, lists, now).map((c) => ({ ...c, guard })),
      planned: {
        id,
        guard,
        leave: lists.filter((l) => !wanted.includes(l)),
        vanished: false,
        bytes: put.written ? encoder.encode(body).byteLength : 0,
      },
    };
  }

  /**
   * Main of each region from the heads of its ten lists (no origin call, no whole list read; one
   * store round trip for all regions), written only where its content changed, guarded by the newest
   * list revision it saw, so an older main cannot overwrite a newer one.
   */
  async rebuildMains(regions: readonly string[], now: number): Promise<{ written: number; bytes: number }> {
    const { store } = this.deps;
    if (regions.length === 0) return { written: 0, bytes: 0 };
    const heads = await store.listHeads(regions.flatMap(regionLists), FEATURED_LIMIT);
    const stored = await store.getMany(regions.map((r) => docKey.main(r)));
    const content = (m: MainDoc) => JSON.stringify([m.categories, m.featured]);
    let written = 0;
    let bytes = 0;
    await Promise.all(
      regions.map(async (region, i) => {
        const mine = heads.slice(i * 10, i * 10 + 10);
        const main = mainFromHeads(region, mine, now);
        const current = stored[i];
        if (current && content(MainDoc.parse(JSON.parse(current.body))) === content(main)) return;
        const body = JSON.stringify(main);
        const put = await store.put(docKey.main(region), {
          body,
          version: Math.max(0, ...mine.map((h) => h.rev)),
          seq: main.seq,
          builtAt: main.builtAt,
        });
        if (put.written) {
          written++;
          bytes += encoder.encode(body).byteLength;
        }
      }),
    );
    return { written, bytes };
  }

  private async scheduleBoundary(shopId: string, at: number | null, now: number) {
    if (at === null) return;
    const tag = `${shopId}@${at}`;
    if (this.scheduled.has(tag)) return; // every rebuild of a shop finds the same boundary
    if (this.scheduled.size > 100_000) this.scheduled.clear();
    this.scheduled.add(tag);
    const delayMs = Math.min(MAX_DELAY_MS, at - now + 25);
    await this.deps.schedule({ type: "shop", id: shopId, occurredAt: new Date(at).toISOString() }, delayMs);
  }
}
