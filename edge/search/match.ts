import { disassemble, getChoseong } from "es-hangul";
import type { Category } from "../../contract/index.ts";

/**
 * Korean-aware matching for shop search, on es-hangul for everything Hangul (jamo, choseong): no
 * hand-written tables. A query and a text are compared without spaces and case, so "교촌 치킨" finds
 * "교촌치킨" and the reverse; Korean matches anywhere in the text, not only at its start.
 */
export const CATEGORY_KO: Record<Category, string[]> = {
  chicken: ["치킨", "닭"],
  pizza: ["피자"],
  korean: ["한식"],
  chinese: ["중식", "중국집"],
  japanese: ["일식", "돈까스", "초밥"],
  snack: ["분식"],
  cafe: ["카페", "디저트"],
  burger: ["버거", "햄버거"],
  jokbal: ["족발", "보쌈"],
  night: ["야식"],
};

/**
 * What a text is compared as: without spaces, lower-cased, and its initial consonants. Its jamo are
 * not kept (a region's index holds hundreds of thousands of texts): they are made only when a typo
 * check needs them, and typo checks run once per query and index version (rankings are cached).
 */
export type Keyed = { text: string; key: string; choseong: string };
const squash = (s: string) => s.replace(/\s+/g, "").toLowerCase();
export function keyed(text: string): Keyed {
  const key = squash(text);
  const choseong = getChoseong(key);
  // Latin or digits only: the key is its own "initial consonants" and never a choseong query's match.
  return { text, key, choseong: choseong.length ? choseong : "" };
}

export type Query = Keyed & { jamo: string; choseongOnly: boolean; syllables: number; chars: string[] };
const CHOSEONG_ONLY = /^[ㄱ-ㅎ]+$/;
const SYLLABLE = /[가-힣]/g;
export function parseQuery(q: string): Query {
  const k = keyed(q);
  return {
    ...k,
    jamo: disassemble(k.key),
    choseongOnly: CHOSEONG_ONLY.test(k.key),
    syllables: k.key.match(SYLLABLE)?.length ?? 0,
    chars: [...k.key],
  };
}

/**
 * What one query may spend on the typo pass, in cells: a character looked for by the filter, or one
 * of an edit distance's pattern × text characters; `exhausted` once a text went unchecked for want of it. The other matches cost a few `includes`
 * a text; the typo pass is what grows with long queries (~100 ms over 100,000 texts for five
 * syllables, unbudgeted).
 */
export type TypoBudget = { cells: number; exhausted: boolean };
export const typoBudget = (cells: number): TypoBudget => ({ cells, exhausted: false });

/**
 * How well a query matches a text, 0 for not at all: exact 5, prefix 4, substring 3, initial
 * consonants 2, one syllable or one jamo off (queries of three syllables or more) 1.
 */
export function score(q: Query, t: Keyed, budget: TypoBudget = typoBudget(Number.POSITIVE_INFINITY)): number {
  if (q.choseongOnly) return t.choseong.includes(q.key) ? 2 : 0;
  if (t.key === q.key) return 5;
  if (t.key.startsWith(q.key)) return 4;
  if (t.key.includes(q.key)) return 3;
  if (q.syllables >= 3 && oneOff(q, t, budget)) return 1;
  return 0;
}

/**
 * One edit touches one syllable, so all of the query's characters but one are in the text: a few
 * `includes` rule out nearly every text before any edit distance is computed (a region holds
 * hundreds of thousands of names and menus). Then one syllable off, then one jamo off.
 */
function oneOff(q: Query, t: Keyed, budget: TypoBudget): boolean {
  if (budget.cells <= 0) {
    budget.exhausted = true;
    return false;
  }
  // The filter is charged too (a cell per character looked for): over a large region it is most of
  // the typo pass's time, the edit distances being rare.
  budget.cells -= q.chars.length;
  let missing = 0;
  for (const c of q.chars) if (!t.key.includes(c) && ++missing > 1) return false;
  budget.cells -= q.key.length * t.key.length;
  if (withinOneEdit(q.key, t.key)) return true;
  const jamo = disassemble(t.key);
  budget.cells -= q.jamo.length * jamo.length;
  return withinOneEdit(q.jamo, jamo);
}

/**
 * Whether `pattern` occurs in `text` with at most one edit (Sellers' approximate substring match: a
 * one-row edit-distance table where a match may start anywhere). On jamo, one edit is one jamo: a
 * slip of the finger on a phone keyboard, or a missing final consonant.
 */
export function withinOneEdit(pattern: string, text: string): boolean {
  const m = pattern.length;
  if (m === 0 || text.length < m - 1) return false;
  let prev = Array.from({ length: m + 1 }, (_, i) => i);
  let cur = new Array<number>(m + 1);
  for (let j = 1; j <= text.length; j++) {
    cur[0] = 0;
    for (let i = 1; i <= m; i++) {
      const cost = pattern[i - 1] === text[j - 1] ? 0 : 1;
      cur[i] = Math.min((prev[i - 1] as number) + cost, (prev[i] as number) + 1, (cur[i - 1] as number) + 1);
    }
    if ((cur[m] as number) <= 1) return true;
    [prev, cur] = [cur, prev];
  }
  return (prev[m] as number) <= 1;
}
