import { deflateRawSync, inflateRawSync } from "node:zlib";

/**
 * How the memory store keeps a document body. A 100,000-shop catalogue's details are ~2,700
 * characters of JSON each, and one Korean name makes V8 keep the whole string two bytes per
 * character: ~530 MB of strings on the JS heap. Deflated they are ~800 bytes each (~80 MB), held
 * outside the heap where the collector never copies them. Level 3 measured best here for its cost
 * (bench/results/memory-store.txt): 70–140 µs to pack a detail, 35–55 µs to unpack one (a miss of
 * the edge's L1, never a hit) on the 2-core dev machine.
 *
 * Short bodies stay strings: deflate saves nothing on them and the array costs more than the string.
 */
export type PackedBody = string | Uint8Array;

const PACK_FROM_CHARS = 512;
/** What an array costs beside its bytes (its object, its view and its backing-store record). */
const ARRAY_OVERHEAD = 200;

export function packBody(body: string): PackedBody {
  if (body.length < PACK_FROM_CHARS) return body;
  // A copy: zlib's answer may be a slice of a shared pool, which would keep the whole pool alive.
  return new Uint8Array(deflateRawSync(body, { level: 3 }));
}

export function unpackBody(packed: PackedBody): string {
  return typeof packed === "string" ? packed : inflateRawSync(packed).toString("utf8");
}

/** Bytes a packed body holds, for the store's byte budget (a string: two per character, at most). */
export const packedSize = (packed: PackedBody): number =>
  typeof packed === "string" ? packed.length * 2 : packed.byteLength + ARRAY_OVERHEAD;
