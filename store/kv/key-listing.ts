import type { z } from "zod";

export const BULK = 100; // bulk reads take at most 100 keys

/**
 * Listing helpers of the KV adapter: names under a prefix (every page), deletes in bounded
 * parallel batches, and the parsed values under a prefix read with bulk gets — 100 keys per
 * subrequest, not one each (a Worker request may only make so many).
 */
export function kvLister(kv: KVNamespace, del: (name: string) => Promise<void> = (n) => kv.delete(n)) {
  async function listAll(prefix: string): Promise<string[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page: KVNamespaceListResult<unknown, string> = await kv.list({
        prefix,
        ...(cursor ? { cursor } : {}),
      });
      names.push(...page.keys.map((k) => k.name));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return names;
  }

  async function deleteAll(names: string[]): Promise<number> {
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map(del));
    return names.length;
  }

  async function valuesUnder<S extends z.ZodType>(prefix: string, schema: S, max = Infinity) {
    const names = (await listAll(prefix)).slice(0, max);
    const out: z.infer<S>[] = [];
    for (let i = 0; i < names.length; i += BULK) {
      const found = await kv.get(names.slice(i, i + BULK), "text");
      for (const value of found.values()) if (value) out.push(schema.parse(JSON.parse(value)));
    }
    return out;
  }

  /** Which names exist, in the order asked: bulk reads of up to BULK names each. */
  async function present(names: readonly string[]): Promise<boolean[]> {
    const out: boolean[] = [];
    for (let i = 0; i < names.length; i += BULK) {
      const chunk = names.slice(i, i + BULK);
      const found = await kv.get(chunk, "text");
      for (const name of chunk) out.push(found.get(name) != null);
    }
    return out;
  }

  return { listAll, deleteAll, valuesUnder, present };
}
