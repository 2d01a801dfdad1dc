/**
 * A refcounted table of strings held many times over. A shop without a region-specific ad has the
 * same card (and the same sort member) in each of the ~12 lists it is in; built per list, each copy
 * would be its own string — 1.06 million cards for 100,000 shops, where ~101,000 differ. Taking each
 * stored card and member through this table keeps one copy of each; the count lets the last holder
 * free it.
 *
 * Every `take` must be matched by one `drop` when the holder lets the string go.
 */
export type Interner = {
  take(s: string): string;
  drop(s: string): void;
  clear(): void;
};

export function createInterner(): Interner {
  const table = new Map<string, { s: string; n: number }>();
  return {
    take(s) {
      const held = table.get(s);
      if (held) {
        held.n++;
        return held.s;
      }
      table.set(s, { s, n: 1 });
      return s;
    },
    drop(s) {
      const held = table.get(s);
      if (held && --held.n === 0) table.delete(s);
    },
    clear() {
      table.clear();
    },
  };
}

/** For records that are serialized (KV): nothing to share in memory. */
export const noInterning: Interner = { take: (s) => s, drop() {}, clear() {} };
