import { afterAll, beforeEach } from "vitest";
import { type ListEntry, listMember } from "../../contract/index.ts";
import type { DocumentStore, ListChange } from "../port.ts";

/** What the shared store suites are given: a way to make a fresh store, and to clean it up. */
export type StoreFactory = () => Promise<{ store: DocumentStore; cleanup?: () => Promise<void> }>;

/** A fresh store per test from `factory`, cleaned up after the suite; read it inside tests. */
export function freshStore(factory: StoreFactory): () => DocumentStore {
  let store: DocumentStore | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    const made = await factory();
    store = made.store;
    if (made.cleanup) cleanups.push(made.cleanup);
  });
  afterAll(async () => {
    for (const fn of cleanups) await fn();
  });
  return () => store as DocumentStore;
}

export function entry(id: string, o: Partial<ListEntry> = {}): ListEntry {
  return {
    id,
    name: `가게 ${id}`,
    category: "chicken",
    rating: 4.5,
    reviewCount: 10,
    minOrder: 12000,
    deliveryFee: 2000,
    openHours: "11:00-23:00",
    ad: null,
    ...o,
  };
}
/** A change for shop `id` at version = seq = `v`; `e` null removes it. */
export function listChange(list: string, id: string, v: number, e: ListEntry | null = entry(id)): ListChange {
  return {
    list,
    id,
    guard: { version: v, seq: v },
    entry: e ? { member: listMember(e), card: JSON.stringify(e) } : null,
  };
}
