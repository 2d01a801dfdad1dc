import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export type Coding = "br" | "gzip";
/** Compresses a body; supplied by server entries, absent on Workers, which compress at the platform. */
export type Compress = (bytes: Uint8Array<ArrayBuffer>, coding: Coding) => Uint8Array<ArrayBuffer>;

/**
 * The server runtimes' compressor (Node, Bun and Deno all ship node:zlib), run once per L1 entry or
 * page, never per request. Brotli at quality 5: on a 4,982-byte Korean shop detail it makes 711
 * bytes in 71 µs, against quality 11's 647 bytes in 6.1 ms (and gzip -6's 846 bytes in 45 µs), Node
 * 20 on the dev machine.
 */
export const zlibCompress: Compress = (bytes, coding) =>
  new Uint8Array(
    coding === "br"
      ? brotliCompressSync(bytes, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 5,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
          },
        })
      : gzipSync(bytes, { level: 6 }),
  );
