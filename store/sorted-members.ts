/**
 * A list's members in byte order, kept as a run of short sorted chunks rather than one array.
 *
 * At 100,000 shops the ten big regions' lists hold ~4,200 members each, and every rank change moves
 * a member in each of the shop's ~12 lists. With one array each move was a splice of the whole list
 * (or, past eight moves in a batch, a filter and a merge of it): the query side's list writes cost
 * more the bigger the catalogue — 12 % of its CPU at 500 changes/s, against under 1 % at 2,000
 * shops (docs/decisions/007-memory-store-packing.md). Here a move splices one chunk of at most 2 × CHUNK
 * members, found by a binary search over the chunks' last members: 3.4 µs a change in a 4,200-member
 * list against 14 µs with one array (bench/results/list-apply-ab.txt). Reading a page walks the
 * chunks' lengths (a few dozen at most).
 */
const CHUNK = 256;

export class SortedMembers {
  private chunks: string[][] = [];
  private count = 0;

  static from(sorted: readonly string[]): SortedMembers {
    const out = new SortedMembers();
    for (let i = 0; i < sorted.length; i += CHUNK) out.chunks.push(sorted.slice(i, i + CHUNK));
    out.count = sorted.length;
    return out;
  }

  get length(): number {
    return this.count;
  }

  /** Adds `m` in order (a member already present is not added twice). */
  add(m: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([m]);
      this.count = 1;
      return;
    }
    const c = Math.min(this.chunkFor(m), this.chunks.length - 1);
    const chunk = this.chunks[c] as string[];
    const at = position(chunk, m);
    if (chunk[at] === m) return;
    chunk.splice(at, 0, m);
    this.count++;
    // A full chunk splits in two halves, so no chunk's splice grows with the list.
    if (chunk.length > 2 * CHUNK) this.chunks.splice(c, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
  }

  /** Removes `m`; answers whether it was there. */
  remove(m: string): boolean {
    const c = this.chunkFor(m);
    const chunk = this.chunks[c];
    if (!chunk) return false;
    const at = position(chunk, m);
    if (chunk[at] !== m) return false;
    chunk.splice(at, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
    return true;
  }

  /** Members from index `from` (inclusive) to `to` (exclusive), as Array.prototype.slice. */
  slice(from = 0, to = this.count): string[] {
    const out: string[] = [];
    const end = Math.min(to, this.count);
    let base = 0;
    for (const chunk of this.chunks) {
      if (base + chunk.length > from && base < end)
        for (let i = Math.max(0, from - base); i < chunk.length && base + i < end; i++)
          out.push(chunk[i] as string);
      base += chunk.length;
      if (base >= end) break;
    }
    return out;
  }

  toArray(): string[] {
    return this.chunks.flat();
  }

  /** The first chunk whose last member is ≥ m (the chunk count when m is past them all). */
  private chunkFor(m: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid] as string[];
      if ((chunk[chunk.length - 1] as string) < m) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Index of `member` in a sorted array, or where it would go. */
function position(members: readonly string[], member: string): number {
  let lo = 0;
  let hi = members.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((members[mid] as string) < member) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
