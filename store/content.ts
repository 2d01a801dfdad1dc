/**
 * "No write when nothing a reader sees changed." A rebuild renews a document's `seq` and `builtAt`
 * even when nothing else moved — a duplicate event, a resync of an unchanged shop, an audit, an
 * owner's private field, an edge's write-through of what the sync-worker already wrote. Writing those
 * costs bytes on Redis, a billed write and the per-key rate on KV, and a write notification that makes
 * every edge drop its L1 entry. So every driver compares the public content — the body without its
 * top-level `seq` and `builtAt`, hashed — and skips the write when the version and the content are
 * the same.
 *
 * What a skipped write leaves behind is the stored `builtAt`, which the edge reads as the document's
 * age: past EDGE_MAX_AGE_S it serves STALE and revalidates from the origin. So an unchanged document
 * is still rewritten once its stored copy is older than REWRITE_UNCHANGED_AFTER_MS (two minutes,
 * under the edge's five-minute default), and the edge's own revalidation always writes (`rewrite`):
 * the age an edge sees stays bounded however rarely the content changes. Catch-up's "is this change
 * reflected" check reads the stored `seq`, and is not misled: every change in the origin's feed
 * other than an owner's (which catch-up does not check) raises the shop's version, which is in the
 * body, so its rebuild is never skipped.
 */
export const REWRITE_UNCHANGED_AFTER_MS = 120_000;

export type PutOptions = {
  /** Write even when the content is unchanged: the edge's max-age revalidation renews `builtAt`. */
  rewrite?: boolean;
};

// How the projection ends every document it writes (projection/detail.ts: version, seq, builtAt
// last): found from the end, the content is the body before it, with no parse.
const OWN_TAIL = /^,"seq":-?\d+,"builtAt":"[^"\\]*"\}$/;

/**
 * 64 bits of FNV-1a (two 32-bit lanes), as hex, over the body without its top-level `seq` and
 * `builtAt`: cut from the end where the projection put them (most bodies: no parse), else removed
 * from the parsed body.
 */
export function contentHash(body: string): string {
  const at = body.lastIndexOf(',"seq":');
  if (at >= 0 && OWN_TAIL.test(body.slice(at))) return fnv(body, at);
  let text = body;
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      const { seq: _seq, builtAt: _builtAt, ...rest } = parsed as Record<string, unknown>;
      text = JSON.stringify(rest);
      // The same cut as above: a body of the projection's shape and one read back agree.
      if (text.endsWith("}")) return fnv(text, text.length - 1);
    }
  } catch {
    // not JSON: the whole body is the content
  }
  return fnv(text, text.length);
}

function fnv(text: string, end: number): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

/** Whether a guarded write of `next` (which already supersedes `current`) may be skipped. */
export function unchanged(
  next: { version: number; builtAt: string; hash: string },
  current: { version: number; builtAt: string; hash?: string | null },
  options: PutOptions = {},
): boolean {
  return (
    !options.rewrite &&
    current.hash === next.hash &&
    current.version === next.version &&
    Date.parse(next.builtAt) - Date.parse(current.builtAt) < REWRITE_UNCHANGED_AFTER_MS
  );
}
