import type { OriginClient } from "../../clients/index.ts";
import { type ChangeEvent, docKey, MAX_STATE_BATCH, type ShopStateResponse } from "../../contract/index.ts";
import { entryChanges, listKeysOf, nextAdBoundary, projectDetail } from "../../projection/index.ts";
import type { Logger } from "../../runtime/index.ts";
import { timeSlicer } from "../../runtime/time-slice.ts";
import type { Guard, ListChange, ServedStore } from "../../store/port.ts";
import { utf8Length } from "../../store/utf8.ts";

export type RebuildDeps = {
  origin: OriginClient;
  store: ServedStore;
  /** Where rebuilds at future ad start/end times are scheduled (a delayed queue send). */
  schedule: (event: ChangeEvent, delayMs: number) => Promise<void>;
  logger: Logger;
  now?: () => number;
  /** Told the bytes written to the store for each shop rebuilt (its detail and its list entries). */
  onBytes?: (bytes: number, shopId: string) => void;
  /** Told each batch's size and where its time went: the origin's state reads, then building. */
  onBatch?: (t: { shops: number; stateMs: number; buildMs: number }) => void;
};

export type RebuildOutcome = {
  failed: Map<string, string>;
  written: number;
  /** Where the batch's time went: the origin's batched state reads, then everything else. */
  stateMs?: number;
  buildMs?: number;
};
type Planned = { id: string; guard: Guard; leave: string[]; vanished: boolean; bytes: number };

const reasonOf = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
// setTimeout's ceiling; a farther boundary is re-scheduled by the rebuild that fires first.
const MAX_DELAY_MS = 2 ** 31 - 1;
// A shop the origin no longer knows leaves its lists for good: no later state may put it back.
const GONE: Guard = { version: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER };
// List changes per store call: small enough that one call is a short slice of work in memory.
const APPLY_CHUNK = 256;

/**
 * Turns a coalesced set of shop ids into documents, one state fetch per shop and nothing else from
 * the origin: detail (or tombstone) → the shop's entry in each list it was or is in, applied entry by
 * entry under the shop's (version, seq) guard. Main is not written: the edge makes it from the heads
 * of the region's lists when read. A shop whose state or entries could not be written is reported
 * failed; its list bookkeeping only grows until its entries are written, so the retry reaches every
 * list. Each rebuilt shop and its regions are noted in the store's catalogue (a vanished shop leaves
 * it), which is how an edge tells a shop or region that exists from one a client made up.
 */
export class Rebuilder {
  private readonly scheduled = new Set<string>();
  private batchUnsupportedUntil = 0;
  /** Shared by every batch in this process: bulk work leaves room for live events' I/O. */
  private readonly slice = timeSlicer();
  constructor(private readonly deps: RebuildDeps) {}

  async rebuildShops(shopIds: readonly string[]): Promise<RebuildOutcome> {
    const { store } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const builtAt = new Date(now).toISOString();
    const failed = new Map<string, string>();
    const planned: Planned[] = [];
    const changes: { shop: number; change: ListChange }[] = [];
    let written = 0;
    const noted = { shops: [] as string[], regions: new Set<string>(), goneShops: [] as string[] };

    const ids = [...new Set(shopIds)];
    const started = performance.now();
    const states = await this.fetchStates(ids);
    const fetched = performance.now();
    await Promise.all(
      ids.map(async (id) => {
        try {
          await this.slice();
          const state = states.has(id) ? states.get(id) : await this.deps.origin.shop(id);
          if (state instanceof Error) throw state;
          const plan = await this.plan(id, state ?? null, now);
          if (state) {
            noted.shops.push(id);
            for (const r of state.shop.regions) noted.regions.add(r);
          } else noted.goneShops.push(id);
          if (plan.detailWritten) written++;
          const at = planned.push(plan.planned) - 1;
          for (const change of plan.changes) changes.push({ shop: at, change });
        } catch (error) {
          failed.set(id, reasonOf(error));
        }
      }),
    );

    // One list's changes side by side, so a list is written once per batch, not once per chunk it
    // appears in (a KV value rewritten, a memory list's index merged). Stable: each shop's order stays.
    changes.sort((a, b) => (a.change.list < b.change.list ? -1 : a.change.list > b.change.list ? 1 : 0));
    const changedLists = new Set<string>();
    try {
      // Before the lists: once a region's list is readable, the edge may ask whether the region exists.
      await store.noteCatalogue({ ...noted, regions: [...noted.regions] });
      for (let from = 0; from < changes.length; from += APPLY_CHUNK) {
        await this.slice();
        const chunk = changes.slice(from, from + APPLY_CHUNK);
        const applied = await store.applyLists(
          chunk.map((c) => c.change),
          builtAt,
        );
        chunk.forEach((c, i) => {
          (planned[c.shop] as Planned).bytes += applied.bytes[i] ?? 0;
        });
        for (const key of applied.changed) changedLists.add(key);
      }
      written += changedLists.size;
    } catch (error) {
      for (const p of planned) failed.set(p.id, `lists: ${reasonOf(error)}`);
      return { failed, written };
    }
    for (const p of planned) {
      if (p.vanished) await store.purgeShop(p.id);
      else if (p.leave.length > 0) await store.releaseLists(p.id, p.guard, p.leave);
      this.deps.onBytes?.(p.bytes, p.id);
    }
    // Lone shops' reads (no batched read) fall in the build phase: they are made while planning.
    const timings = { stateMs: fetched - started, buildMs: performance.now() - fetched };
    this.deps.onBatch?.({ shops: ids.length, ...timings });
    return { failed, written, ...timings };
  }

  /**
   * Shops' states, many per call where the origin offers the batched read (one snapshot, one `seq`
   * per call of up to MAX_STATE_BATCH); null for a shop it does not know, an Error where the call
   * failed. Nothing for a lone shop or an origin without the batch read: those are read one by one.
   */
  private async fetchStates(ids: string[]): Promise<Map<string, ShopStateResponse | null | Error>> {
    const out = new Map<string, ShopStateResponse | null | Error>();
    if (ids.length < 2 || Date.now() < this.batchUnsupportedUntil) return out;
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += MAX_STATE_BATCH) chunks.push(ids.slice(i, i + MAX_STATE_BATCH));
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const answer = await this.deps.origin.shops(chunk);
          if (answer === null) {
            // Not offered: read shop by shop, and ask again in a while (the origin may be upgraded).
            this.batchUnsupportedUntil = Date.now() + 5 * 60_000;
            return;
          }
          for (const shop of answer.shops) out.set(shop.id, { seq: answer.seq, shop });
          for (const id of answer.missing) out.set(id, null);
        } catch (error) {
          for (const id of chunk) out.set(id, error instanceof Error ? error : new Error(String(error)));
        }
      }),
    );
    return out;
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
        bytes: put.written ? utf8Length(body) : 0,
      },
    };
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
