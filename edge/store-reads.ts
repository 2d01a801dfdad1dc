import { type DocMeta, docKindOf, parseDocKey } from "../contract/index.ts";
import type { Logger } from "../runtime/index.ts";
import type { ServedStore, StoredDoc } from "../store/port.ts";
import { withDeadline } from "./deadline.ts";
import type { L1Entry } from "./l1.ts";
import { mainFromStore } from "./main-from-store.ts";

export const STORE_FAILED = Symbol("store failed");
type Outcome<T> = T | typeof STORE_FAILED;

/**
 * The edge's reads of its store, each within the store budget and shared per key: when a hot entry
 * expires, every request waiting on it would otherwise read (and parse) the same document at once —
 * at catalogue size a list of thousands of entries, which overran the budget and sent them all to
 * the origin.
 */
export class StoreReads {
  private readonly docs = new Map<string, Promise<Outcome<StoredDoc | null>>>();
  private readonly metas = new Map<string, Promise<Outcome<DocMeta | null>>>();
  constructor(private readonly d: { store: ServedStore; budgetMs: number; logger: Logger }) {}

  /** The stored document; mains are made from the heads of the region's lists (main-from-store.ts). */
  doc(k: string): Promise<Outcome<StoredDoc | null>> {
    const { store } = this.d;
    return this.shared(this.docs, k, () => {
      const key = parseDocKey(k);
      return key?.kind === "main" ? mainFromStore(store, key.region) : store.get(k);
    });
  }

  /**
   * Whether an expired shop detail in L1 is still what the store holds, by its version, seq and
   * build time alone (they name the bytes: see etagOf). L1 expires every EDGE_L1_TTL_MS; re-reading an
   * unchanged body each time cost an inflate on memory, ~5 KB over the wire on Redis, a UTF-8 encode
   * and the entry's br variant made again. Only where the adapter reads metadata cheaply (getMetas);
   * lists and mains take the full read.
   */
  async unchanged(k: string, entry: L1Entry): Promise<boolean> {
    const { store } = this.d;
    if (!store.getMetas || docKindOf(k) !== "detail") return false;
    const meta = await this.shared(this.metas, k, async () => (await store.getMetas?.([k]))?.[0] ?? null);
    return (
      meta !== STORE_FAILED &&
      meta !== null &&
      meta.version === entry.version &&
      meta.seq === entry.seq &&
      Date.parse(meta.builtAt) === entry.builtAtMs
    );
  }

  private shared<T>(
    inflight: Map<string, Promise<Outcome<T>>>,
    k: string,
    read: () => Promise<T>,
  ): Promise<Outcome<T>> {
    let running = inflight.get(k);
    if (!running) {
      running = this.budgeted(k, read).finally(() => inflight.delete(k));
      inflight.set(k, running);
    }
    return running;
  }

  private async budgeted<T>(k: string, read: () => Promise<T>): Promise<Outcome<T>> {
    try {
      return await withDeadline(read(), this.d.budgetMs);
    } catch (error) {
      this.d.logger.warn("edge.store_failed", { key: k, error: String(error) });
      return STORE_FAILED;
    }
  }
}
