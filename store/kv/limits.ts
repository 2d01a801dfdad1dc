/**
 * A KV binding that enforces Cloudflare's production limits and counts every billed operation.
 *
 * Miniflare's local KV takes any number of writes to a key a second and values of any size, so code
 * that production would answer with 429 passes every local test. Wrapped in this, it throws as
 * production does (https://developers.cloudflare.com/kv/platform/limits/): a key over 512 bytes, a
 * value over 25 MiB, metadata over 1,024 bytes serialized, a second write (put or delete) to one key
 * within a second. The clock is injected, so a test or a bench decides what "a second" is. The
 * counters are what KV bills (https://developers.cloudflare.com/kv/platform/pricing/): each key read,
 * written, deleted or listed.
 */
export const KV_LIMITS = {
  keyBytes: 512,
  valueBytes: 25 * 1024 * 1024,
  metadataBytes: 1024,
  sameKeyWriteMs: 1000,
} as const;

export class KvLimitError extends Error {
  override name = "KvLimitError";
  constructor(
    readonly limit: keyof typeof KV_LIMITS,
    message: string,
  ) {
    super(message);
  }
}

export type KvOps = {
  reads: number;
  writes: number;
  deletes: number;
  lists: number;
  bytesWritten: number;
  /** Operations refused as production would refuse them (each also throws). */
  violations: number;
};
const utf8 = new TextEncoder();
const bytes = (v: unknown): number =>
  typeof v === "string"
    ? utf8.encode(v).byteLength
    : v instanceof ArrayBuffer || ArrayBuffer.isView(v)
      ? v.byteLength
      : Number.NaN;

export function limitedKv(
  kv: KVNamespace,
  /** `count`: record what production would refuse and let it through (a bench measuring the rest). */
  o: { now: () => number; mode?: "enforce" | "count" },
): { kv: KVNamespace; ops: KvOps } {
  const ops: KvOps = { reads: 0, writes: 0, deletes: 0, lists: 0, bytesWritten: 0, violations: 0 };
  const refuse = (error: KvLimitError) => {
    ops.violations++;
    if (o.mode !== "count") throw error;
  };
  const lastWrite = new Map<string, number>();

  const write = (key: string, verb: "PUT" | "DELETE") => {
    const length = bytes(key);
    if (length > KV_LIMITS.keyBytes)
      refuse(
        new KvLimitError(
          "keyBytes",
          `KV ${verb} failed: 414 UTF-8 encoded length of ${length} exceeds key length limit of ${KV_LIMITS.keyBytes}.`,
        ),
      );
    const now = o.now();
    const last = lastWrite.get(key);
    if (last !== undefined && now - last < KV_LIMITS.sameKeyWriteMs)
      refuse(
        new KvLimitError(
          "sameKeyWriteMs",
          `KV ${verb} failed: 429 Too Many Requests (key written ${now - last} ms ago: one write per key per second)`,
        ),
      );
    lastWrite.set(key, now);
  };
  const countReads = (keys: unknown) => {
    ops.reads += Array.isArray(keys) ? keys.length : 1;
  };

  const wrapped = {
    get(keys: string | string[], options?: unknown) {
      countReads(keys);
      return kv.get(keys as string, options as "text");
    },
    getWithMetadata(keys: string | string[], options?: unknown) {
      countReads(keys);
      return kv.getWithMetadata(keys as string, options as "text");
    },
    async put(key: string, value: unknown, options?: { metadata?: unknown }) {
      const size = bytes(value);
      if (!(size <= KV_LIMITS.valueBytes))
        refuse(
          new KvLimitError(
            "valueBytes",
            `KV PUT failed: 413 Value length of ${size} exceeds limit of ${KV_LIMITS.valueBytes}.`,
          ),
        );
      if (options?.metadata !== undefined) {
        const meta = bytes(JSON.stringify(options.metadata));
        if (meta > KV_LIMITS.metadataBytes)
          refuse(
            new KvLimitError(
              "metadataBytes",
              `KV PUT failed: 413 Metadata length of ${meta} exceeds limit of ${KV_LIMITS.metadataBytes}.`,
            ),
          );
      }
      write(key, "PUT");
      ops.writes++;
      ops.bytesWritten += size;
      return kv.put(key, value as string, options as KVNamespacePutOptions);
    },
    async delete(key: string) {
      write(key, "DELETE");
      ops.deletes++;
      return kv.delete(key);
    },
    list(options?: KVNamespaceListOptions) {
      ops.lists++;
      return kv.list(options);
    },
  };
  return { kv: wrapped as unknown as KVNamespace, ops };
}
