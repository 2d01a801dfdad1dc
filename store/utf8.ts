/**
 * Byte counts of stored text — what a store's byte budget and the sync-worker's written-bytes
 * figures count. Part of the store's public surface (services may import it).
 */
// Node, Bun and Deno count natively; Workers (no global Buffer) take the loop below.
const nativeByteLength = (globalThis as { Buffer?: { byteLength(s: string, enc: "utf8"): number } }).Buffer
  ?.byteLength;

/**
 * UTF-8 length without encoding (an encode per card was an array per list entry written). Counted
 * per list entry and per detail written (~15 strings a change): the loop was 7 % of the query
 * side's CPU per change at 100,000 shops (bench/change-cost.ts), the native count a fraction of it.
 */
export function utf8Length(s: string): number {
  return nativeByteLength ? nativeByteLength(s, "utf8") : utf8LengthLoop(s);
}

export function utf8LengthLoop(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      n += 2; // a surrogate pair: 4 bytes for its 2 code units (a lone one: 3, as U+FFFD)
      i++;
    } else if (c >= 0x800) n += 2;
    else if (c >= 0x80) n += 1;
  }
  return n;
}
