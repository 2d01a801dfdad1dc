import { parseDocKey, ShopListDoc } from "../contract/index.ts";
import type { StoredDoc } from "../store/port.ts";
import type { EdgeConfig } from "./config.ts";
import { encode, etagOf, type L1, type L1Entry } from "./l1.ts";

export const notFoundBody = (kind: "shop" | "region", name: string, why: string) =>
  encode(
    JSON.stringify({
      error: {
        code: "not_found",
        message: `${kind} ${name} not found`,
        details: [{ field: kind === "shop" ? "id" : "region", message: why }],
      },
    }),
  );

/** Makes L1 entries from stored documents and from answers that nothing exists, and keeps them. */
export class L1Entries {
  constructor(
    private readonly l1: L1,
    private readonly config: EdgeConfig,
  ) {}

  /** A stored document as an L1 entry (a tombstone becomes a 404), kept. */
  remember(k: string, doc: StoredDoc, now: number, parsed?: unknown): L1Entry {
    const builtAtMs = Date.parse(doc.builtAt);
    const freshUntil = now + this.config.l1TtlMs;
    // Inside JSON strings quotes are escaped, so this literal can only be the top-level flag.
    const key = parseDocKey(k);
    const tombstone = key?.kind === "detail" && doc.body.includes('"deleted":true');
    const entry: L1Entry = tombstone
      ? {
          status: 404,
          bytes: notFoundBody("shop", key.shopId, "the shop was deleted"),
          etag: null,
          version: doc.version,
          seq: doc.seq,
          builtAtMs,
          freshUntil,
        }
      : {
          status: 200,
          bytes: encode(doc.body),
          etag: etagOf(doc.version, doc.seq, builtAtMs),
          version: doc.version,
          seq: doc.seq,
          builtAtMs,
          freshUntil,
        };
    if (!tombstone && key?.kind === "list")
      entry.list = (parsed as ShopListDoc | undefined) ?? ShopListDoc.parse(JSON.parse(doc.body));
    this.l1.set(k, entry);
    return entry;
  }

  /** Nothing of that name exists (the catalogue or the origin says so): a 404, kept for a while. */
  notFound(k: string, kind: "shop" | "region", name: string, now: number): L1Entry {
    const entry: L1Entry = {
      status: 404,
      bytes: notFoundBody(kind, name, kind === "shop" ? "no shop has this id" : "no shop delivers there"),
      etag: null,
      version: 0,
      seq: 0,
      builtAtMs: now,
      freshUntil: now + this.config.notFoundTtlMs,
    };
    this.l1.set(k, entry);
    return entry;
  }
}
