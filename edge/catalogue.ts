import { LRUCache } from "lru-cache";
import type { Logger } from "../runtime/index.ts";
import { CATALOGUE_CHECKPOINT, type CatalogueKind, type EdgeStore } from "../store/port.ts";

/** known: in the catalogue; unknown: not, and the catalogue is complete; unsure: cannot tell yet. */
export type Verdict = "known" | "unknown" | "unsure";

/** How long verdicts are kept in process: a known name stays known; an unknown one may appear any second. */
const KNOWN_MS = 60_000;
const OTHER_MS = 1_000;

/**
 * The edge's view of the store's catalogue (store/port.ts): whether a shop id or a region exists at
 * the origin, asked only on a store miss. Verdicts are kept in a bounded LRU, so a flood of made-up
 * ids costs a store read or two per id and second, never an origin call. "unknown" needs the name's
 * absence and the catalogue's completeness read together: a store emptied meanwhile (a Redis
 * restart, a purge of everything) has lost both, and must read as "unsure", never as "unknown" for
 * a shop that exists. Until the catalogue is complete, and whenever the store cannot answer, the
 * verdict is "unsure": the origin fallback decides, inside its rate limit.
 */
export class EdgeCatalogue {
  private readonly verdicts = new LRUCache<string, { verdict: Verdict; until: number }>({ max: 50_000 });
  private completeRead: Promise<boolean> | null = null;

  constructor(private readonly o: { store: EdgeStore; logger: Logger; now?: () => number }) {}

  async verdict(kind: CatalogueKind, name: string): Promise<Verdict> {
    const key = `${kind}:${name}`;
    const held = this.verdicts.get(key);
    if (held && held.until > this.now()) return held.verdict;
    try {
      const [found, complete] = await Promise.all([
        this.o.store.inCatalogue(kind, [name]),
        this.isComplete(),
      ]);
      const verdict: Verdict = found[0] === true ? "known" : complete ? "unknown" : "unsure";
      this.verdicts.set(key, { verdict, until: this.now() + (verdict === "known" ? KNOWN_MS : OTHER_MS) });
      return verdict;
    } catch (error) {
      this.o.logger.warn("edge.catalogue_failed", { kind, name, error: String(error) });
      return "unsure";
    }
  }

  /** The completeness mark as the store holds it now; concurrent asks share one read. */
  private isComplete(): Promise<boolean> {
    this.completeRead ??= this.o.store
      .getCheckpoint(CATALOGUE_CHECKPOINT)
      .then((at) => at !== null)
      .finally(() => {
        this.completeRead = null;
      });
    return this.completeRead;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }
}
