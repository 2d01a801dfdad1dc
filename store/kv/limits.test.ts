import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KV_LIMITS, KvLimitError, limitedKv } from "./limits.ts";
import { workerdKv } from "./workerd-kv.ts";

/** The limits wrapper against workerd's KV: what production refuses is refused, and nothing of it lands. */
describe("KV binding with production's limits", () => {
  const workerd = workerdKv({ beforeAll, afterAll });
  let raw: KVNamespace;
  const setup = () => {
    raw = workerd().kv;
    const clock = { t: 1_000_000 };
    return { clock, ...limitedKv(raw, { now: () => clock.t }) };
  };
  const refusal = async (p: Promise<unknown>) => {
    const error = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KvLimitError);
    return error as KvLimitError;
  };

  it("refuses a second write to a key within a second, as production answers 429, and keeps the first", async () => {
    const { kv, clock } = setup();
    await kv.put("lim:a", "one");
    clock.t += 999;
    const e = await refusal(kv.put("lim:a", "two"));
    expect(e.limit).toBe("sameKeyWriteMs");
    expect(e.message).toContain("429");
    expect(await raw.get("lim:a")).toBe("one");
    await refusal(kv.delete("lim:a")); // a delete is a write too
    clock.t += 1;
    await kv.put("lim:a", "two");
    expect(await raw.get("lim:a")).toBe("two");
    await kv.put("lim:b", "other keys are free"); // the limit is per key
  });

  it("refuses a key over 512 bytes, a value over 25 MiB and metadata over 1,024 bytes", async () => {
    const { kv } = setup();
    expect((await refusal(kv.put("k".repeat(KV_LIMITS.keyBytes + 1), "x"))).limit).toBe("keyBytes");
    await kv.put("한".repeat(170), "x"); // 510 bytes: UTF-8 bytes count, not characters
    expect((await refusal(kv.put("한".repeat(171), "x"))).message).toContain("513");
    expect((await refusal(kv.put("lim:big", "x".repeat(KV_LIMITS.valueBytes + 1)))).limit).toBe("valueBytes");
    const metadata = { note: "m".repeat(KV_LIMITS.metadataBytes) };
    expect((await refusal(kv.put("lim:meta", "x", { metadata }))).limit).toBe("metadataBytes");
    expect(await raw.get("lim:big")).toBeNull();
    expect(await raw.get("lim:meta")).toBeNull();
  });

  it("counts what KV bills: each key read (bulk reads per key), written, deleted, listed", async () => {
    const { kv, ops, clock } = setup();
    await kv.put("lim:c1", "abc");
    await kv.put("lim:c2", "한글");
    await kv.get(["lim:c1", "lim:c2", "lim:none"], "text");
    await kv.getWithMetadata("lim:c1", "text");
    await kv.list({ prefix: "lim:c" });
    clock.t += 1000;
    await kv.delete("lim:c1");
    expect(ops).toEqual({ reads: 4, writes: 2, deletes: 1, lists: 1, bytesWritten: 3 + 6, violations: 0 });
    await refusal(kv.delete("lim:c1"));
    expect(ops.violations).toBe(1);
  });

  it("in count mode records what production would refuse and lets it through (for benches)", async () => {
    const clock = { t: 0 };
    const { kv, ops } = limitedKv(workerd().kv, { now: () => clock.t, mode: "count" });
    await kv.put("lim:count", "one");
    await kv.put("lim:count", "two");
    expect(ops.violations).toBe(1);
    expect(await workerd().kv.get("lim:count")).toBe("two");
  });
});
