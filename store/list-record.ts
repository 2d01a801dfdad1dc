import { idOfMember, parseDocKey } from "../contract/index.ts";
import { type Interner, noInterning } from "./interner.ts";
import { type Guard, type ListChange, type ListHead, supersedes } from "./port.ts";
import { SortedMembers } from "./sorted-members.ts";
import { utf8Length } from "./utf8.ts";

/**
 * One list as the memory and KV adapters keep it (Redis keeps the same shape in a sorted set and a
 * hash, see redis-lists.ts): members (sort key + id) in byte order, and a slot per shop that has ever
 * been in the list: its guard, so a change built from older state can neither re-add nor overwrite
 * what a newer one wrote, and while it is listed its member and card (the entry's public JSON).
 * One map of slots, not a map per field: at 1.06 million entries a map entry costs more than a slot.
 */
export type ListRecord = {
  rev: number;
  seq: number;
  at: string;
  members: SortedMembers;
  slots: Map<string, Slot>;
};
export type Slot = { guard: Guard; member: string | undefined; card: string | undefined };

export const emptyRecord = (): ListRecord => ({
  rev: 0,
  seq: 0,
  at: "",
  members: new SortedMembers(),
  slots: new Map(),
});

export const guardText = (g: Guard) => `${g.version}:${g.seq}`;
/** guardText's length without making the string (once per list entry written). */
export const guardLength = (g: Guard) => digits(g.version) + 1 + digits(g.seq);
function digits(n: number): number {
  let d = 1;
  for (let v = n; v >= 10; v = Math.floor(v / 10)) d++;
  return d;
}

/**
 * Members leaving and joining the sorted index in one write. A member that leaves and comes back in
 * the same batch (or the reverse) is not moved at all; each move is one chunk's splice (sorted-members.ts).
 */
function memberMoves(rec: ListRecord) {
  // Made on first use: at catalogue size most lists take one change per batch, often no move.
  let gone: Set<string> | undefined;
  let added: Set<string> | undefined;
  return {
    remove(m: string) {
      if (added?.delete(m)) return;
      gone ??= new Set();
      gone.add(m);
    },
    add(m: string) {
      if (gone?.delete(m)) return;
      added ??= new Set();
      added.add(m);
    },
    apply() {
      for (const m of gone ?? []) rec.members.remove(m);
      for (const m of added ?? []) rec.members.add(m);
    },
  };
}

/** How a record holds what a change brings: memory shares equal strings and guard copies. */
export type Holding = { intern: Interner; ownGuard: (g: Guard) => Guard };
const copying: Holding = { intern: noInterning, ownGuard: (g) => ({ ...g }) };

/**
 * Applies one list's changes in place. Answers whether the list changed and the bytes written per
 * change (guard, member and card, as Redis counts them), so a card that did not change costs nothing.
 */
export function applyToRecord(
  rec: ListRecord,
  changes: readonly ListChange[],
  nextRev: () => number,
  at: string,
  { intern, ownGuard }: Holding = copying,
): { changed: boolean; bytes: number[] } {
  let changed = false;
  const moves = memberMoves(rec);
  const bytes = changes.map((c) => {
    const slot = rec.slots.get(c.id);
    if (slot && !supersedes(c.guard, slot.guard)) return 0;
    let n = 0;
    const same = slot && slot.guard.version === c.guard.version && slot.guard.seq === c.guard.seq;
    if (!same) n += guardLength(c.guard);
    const next: Slot = slot ?? { guard: c.guard, member: undefined, card: undefined };
    if (!slot) rec.slots.set(c.id, next);
    next.guard = ownGuard(c.guard);
    rec.seq = Math.max(rec.seq, c.guard.seq);
    const old = next.member;
    if (old !== undefined && old !== c.entry?.member) {
      moves.remove(old);
      next.member = undefined;
      intern.drop(old);
      changed = true;
    }
    const card = next.card;
    if (!c.entry) {
      if (card === undefined) return n;
      next.card = undefined;
      intern.drop(card);
      changed = true;
      return n;
    }
    if (old !== c.entry.member) {
      const member = intern.take(c.entry.member);
      moves.add(member);
      next.member = member;
      n += member.length * 2;
      changed = true;
    }
    if (card !== c.entry.card) {
      if (card !== undefined) intern.drop(card);
      next.card = intern.take(c.entry.card);
      n += utf8Length(c.entry.card);
      changed = true;
    }
    return n;
  });
  moves.apply();
  if (changed) {
    rec.rev = nextRev();
    rec.at = at;
  }
  return { changed, bytes };
}

/**
 * The list document as the edge reads it, made from the record without parsing a card: the same
 * bytes `projectList` would serialize for the same entries (region, category, total, shops, seq,
 * builtAt). Null for a list nothing was ever written to.
 */
export function assembleList(key: string, rec: ListRecord, from = 0, to = rec.members.length): string | null {
  const parsed = parseDocKey(key);
  if (rec.rev === 0 || parsed?.kind !== "list") return null;
  return listBody(
    parsed.region,
    parsed.category,
    rec.members.length,
    rec.members.slice(from, to).map((m) => cardOf(rec, m)),
    rec.seq,
    rec.at,
  );
}

/** The card of a listed member (a member is only ever in `members` with its card). */
export const cardOf = (rec: ListRecord, member: string) => rec.slots.get(idOfMember(member))?.card as string;

export const listBody = (
  region: string,
  category: string,
  total: number,
  cards: readonly string[],
  seq: number,
  builtAt: string,
) =>
  `{"region":${JSON.stringify(region)},"category":${JSON.stringify(category)},"total":${total},"shops":[${cards.join(",")}],"seq":${seq},"builtAt":${JSON.stringify(builtAt)}}`;

export const headOf = (key: string, rec: ListRecord | undefined, n: number): ListHead => ({
  key,
  total: rec?.members.length ?? 0,
  rev: rec?.rev ?? 0,
  seq: rec?.seq ?? 0,
  at: rec?.at ?? "",
  cards: rec ? rec.members.slice(0, n).map((m) => cardOf(rec, m)) : [],
});

/** Groups changes by list, keeping their positions so per-change answers line up with the input. */
export function byList(changes: readonly ListChange[]): Map<string, { change: ListChange; at: number }[]> {
  const groups = new Map<string, { change: ListChange; at: number }[]>();
  changes.forEach((change, at) => {
    const group = groups.get(change.list) ?? [];
    group.push({ change, at });
    groups.set(change.list, group);
  });
  return groups;
}

/**
 * Which lists a shop may have an entry in, each with the newest state that put it there. Grows
 * before lists are written (so a failure leaves a superset, which is safe) and shrinks after, only
 * where no newer state registered the list in between.
 */
export type Memberships = Map<string, Guard>;

export function registerIn(rec: Memberships, guard: Guard, lists: readonly string[]): string[] {
  const own = { ...guard }; // one copy for all the lists: guards are replaced, never changed
  for (const list of lists) {
    const current = rec.get(list);
    if (!current || supersedes(guard, current)) rec.set(list, own);
  }
  return [...rec.keys()].sort();
}

export function releaseFrom(rec: Memberships, guard: Guard, lists: readonly string[]): void {
  for (const list of lists) {
    const current = rec.get(list);
    if (current && supersedes(guard, current)) rec.delete(list);
  }
}
