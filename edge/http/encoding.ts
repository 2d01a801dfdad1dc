/**
 * Content negotiation for compressed documents (RFC 9110 §12.5.3, §8.4). Variants are made once per
 * L1 entry or page, on the first request that accepts them, never per request; each has its own
 * strong ETag (the identity tag with `-br` / `-gz`), since its bytes differ (RFC 9110 §8.8.3).
 */
import type { Coding, Compress } from "../../runtime/compress.ts";

export type { Coding, Compress };
/** The last 200 answer's headers, reused while its Age and X-Cache stay the same (see respond). */
export type HotHeaders = { age: number; xcache: string; headers: Headers; template?: Response };
export type Variant = {
  bytes: Uint8Array<ArrayBuffer>;
  etag: string;
  hot?: HotHeaders;
};
/** What a body (an L1 entry or a page) carries for its compressed variants. */
export type Encodable = {
  bytes: Uint8Array<ArrayBuffer>;
  variants?: Partial<Record<Coding, Variant | null>>;
};

// Below this a compressed body saves less than its headers cost; identity it is.
export const MIN_COMPRESS_BYTES = 1024;

const memo = new Map<string, Coding | null>();
/**
 * The coding to answer with for an Accept-Encoding value: br before gzip, a q=0 excludes, `*`
 * stands for any coding not named. Memoized: clients send a handful of distinct values.
 */
export function negotiate(acceptEncoding: string | null | undefined): Coding | null {
  if (!acceptEncoding) return null;
  const known = memo.get(acceptEncoding);
  if (known !== undefined) return known;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    if (name) q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const weight = (c: string) => q.get(c) ?? (c === "gzip" ? q.get("x-gzip") : undefined) ?? q.get("*") ?? 0;
  const [br, gzip] = [weight("br"), weight("gzip")];
  const chosen: Coding | null = br > 0 && br >= gzip ? "br" : gzip > 0 ? "gzip" : null;
  if (memo.size > 256) memo.clear();
  memo.set(acceptEncoding, chosen);
  return chosen;
}

/** The variant of `body` in `coding`, made on first use; null when not worth it (small bodies). */
export function variantOf(body: Encodable, etag: string, coding: Coding, compress: Compress): Variant | null {
  body.variants ??= {};
  const have = body.variants[coding];
  if (have !== undefined) return have;
  const made =
    body.bytes.byteLength < MIN_COMPRESS_BYTES
      ? null
      : {
          bytes: compress(body.bytes, coding),
          etag: `${etag.slice(0, -1)}-${coding === "br" ? "br" : "gz"}"`,
        };
  body.variants[coding] = made;
  return made;
}
