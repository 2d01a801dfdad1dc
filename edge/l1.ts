import { LRUCache } from "lru-cache";
import type { ShopListDoc } from "../contract/index.ts";
import type { Encodable, HotHeaders } from "./http/encoding.ts";

/**
 * One L1 entry per document key, holding what a hit needs already made: the response body, its
 * strong ETag and the numbers for the headers. A hit does no JSON.stringify, zod parse or hashing.
 * Entries outlive their TTL (until the byte budget evicts them) as a last-resort stale copy for
 * when both the store and the origin fail.
 */
export type L1Entry = {
  status: 200 | 404;
  /** The response body, UTF-8 encoded once at fill time (Korean text costs to encode per request). */
  bytes: Uint8Array<ArrayBuffer>;
  etag: string | null;
  version: number;
  seq: number;
  builtAtMs: number;
  freshUntil: number;
  /** Parsed once for list documents, so pages can be cut without parsing again. */
  list?: ShopListDoc;
  pages?: Map<string, Page>;
  /** Serving-order members of a list's shops, made when a cursor's version is gone (keyset paging). */
  members?: string[];
  hot?: HotHeaders;
  /** br / gzip bodies, made on first demand (http/encoding.ts); null where not worth it. */
  variants?: Encodable["variants"];
};

export type Page = {
  bytes: Uint8Array<ArrayBuffer>;
  etag: string;
  hot?: HotHeaders;
  variants?: Encodable["variants"];
};

const encoder = new TextEncoder();
export const encode = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text);

/**
 * Documents by bytes; answers that nothing exists (404s) apart, by count, so a flood of made-up
 * ids or regions cannot push real documents out.
 */
export class L1 {
  private readonly lru: LRUCache<string, L1Entry> | null;
  private readonly missing = new LRUCache<string, L1Entry>({ max: 10_000 });
  constructor(maxBytes: number) {
    this.lru =
      maxBytes > 0
        ? new LRUCache<string, L1Entry>({
            maxSize: maxBytes,
            // A parsed list costs a few times its JSON; pages add their own bytes.
            sizeCalculation: (e) => e.bytes.byteLength * (e.list ? 4 : 1) + 256,
          })
        : null;
  }
  get(key: string): L1Entry | undefined {
    return this.lru?.get(key) ?? (this.missing.size > 0 ? this.missing.get(key) : undefined);
  }
  set(key: string, entry: L1Entry): void {
    if (!this.lru) return;
    if (entry.status === 404) {
      this.lru.delete(key);
      this.missing.set(key, entry);
    } else {
      this.missing.delete(key);
      this.lru.set(key, entry);
    }
  }
  delete(key: string): void {
    this.lru?.delete(key);
    this.missing.delete(key);
  }
  /**
   * A key the store announced a write for: no longer fresh, so the next read asks the store, but
   * kept as the last copy to serve (STALE) should the store and the origin both fail that read.
   */
  expire(key: string): void {
    const entry = this.lru?.peek(key);
    if (entry) entry.freshUntil = 0;
    this.missing.delete(key);
  }
  get size(): number {
    return (this.lru?.size ?? 0) + this.missing.size;
  }
}

/** Strong ETag of one stored document: it changes whenever the stored bytes do (RFC 9110 §8.8.3). */
export const etagOf = (version: number, seq: number, builtAtMs: number, suffix = "") =>
  `"${version}.${seq}.${builtAtMs.toString(36)}${suffix}"`;

/** If-None-Match matches (weak comparison, as RFC 9110 §13.1.2 asks for this header). */
export function matchesIfNoneMatch(header: string | undefined, etag: string | null): boolean {
  if (!header || !etag) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
