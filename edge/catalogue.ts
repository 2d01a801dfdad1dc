import { LRUCache } from "lru-cache";
import type { Logger } from "../contract/index.ts";
import { CATALOGUE_CHECKPOINT, type CatalogueKind, type DocumentStore } from "../store/port.ts";

/** known: in the catalogue; unknown: not, and the catalogue is complete; unsure: cannot tell yet. */
export type Verdict = "known" | "unknown" | "unsure";

/** How long answers are kept in process: a known name stays known; an unknown one may appear any second. */
const KNOWN_MS = 60_000;
const UNKNOWN_MS = 1_000;
const COMPLETE_MS = 5_000;

/**
 * The edge's view of the store's catalogue (store/port.ts): whether a shop id or a region exists at
 * the origin, asked only on a store miss. Answers are kept in a bounded LRU, so a flood of made-up
 * ids costs one store read per id and second, never an origin call. Until the sync-worker marks the
 * catalogue complete, and whenever the store cannot answer, the verdict is "unsure": the origin
 * fallback decides, inside its rate limit.
 */
export class EdgeCatalogue {
  private readonly answers = new LRUCache<string, { known: boolean; until: number }>({ max: 50_000 });
  private complete: { value: boolean; at: number } | null = null;
  private completeRead: Promise<boolean> | null = null;

  constructor(private readonly o: { store: DocumentStore; logger: Logger; now?: () => number }) {}

  async verdict(kind: CatalogueKind, name: string): Promise<Verdict> {
    try {
      const key = `${kind}:${name}`;
      const held = this.answers.get(key);
      let known = held && held.until > this.now() ? held.known : undefined;
      if (known === undefined) {
        known = (await this.o.store.inCatalogue(kind, [name]))[0] === true;
        this.answers.set(key, { known, until: this.now() + (known ? KNOWN_MS : UNKNOWN_MS) });
      }
      if (known) return "known";
      return (await this.isComplete()) ? "unknown" : "unsure";
    } catch (error) {
      this.o.logger.warn("edge.catalogue_failed", { kind, name, error: String(error) });
      return "unsure";
    }
  }

  private async isComplete(): Promise<boolean> {
    const now = this.now();
    const held = this.complete;
    // Incomplete is re-read every second (a first build ends), complete every few seconds (a purge).
    if (held && now - held.at < (held.value ? COMPLETE_MS : UNKNOWN_MS)) return held.value;
    this.completeRead ??= this.o.store
      .getCheckpoint(CATALOGUE_CHECKPOINT)
      .then((at) => {
        this.complete = { value: at !== null, at: this.now() };
        return at !== null;
      })
      .finally(() => {
        this.completeRead = null;
      });
    return this.completeRead;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }
}
