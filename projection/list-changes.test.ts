import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CATEGORIES,
  type Category,
  docKey,
  type ListEntry,
  listMember,
  type ShopAggregate,
} from "../contract/index.ts";
import { nextAdBoundary } from "./detail.ts";
import { compareEntries, listKeysOf, projectList, toListEntry } from "./list.ts";
import { entryChanges, mainFromHeads, regionLists } from "./list-changes.ts";
import { FEATURED_LIMIT, projectMain } from "./main.ts";
import { owner } from "./test-fixtures.ts";

const NOW = Date.parse("2026-11-26T12:00:00Z");
const MIN = 60_000;
const REGIONS = ["gangnam", "mapo", "seocho"];
const CATS: Category[] = ["chicken", "pizza"];

/** One generated version of a shop: where it is, whether it is open, its rank inputs and its ads. */
const shopState = fc.record({
  shop: fc.integer({ min: 1, max: 6 }),
  category: fc.constantFrom(...CATS),
  regions: fc.subarray(REGIONS, { minLength: 1 }),
  status: fc.constantFrom("open", "open", "paused", "closed"),
  deleted: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  rating: fc.integer({ min: 0, max: 50 }),
  reviewCount: fc.integer({ min: 0, max: 3 }),
  // Ads relative to the step's time: live now, starting soon, ending soon, over.
  ads: fc.array(
    fc.record({
      product: fc.constantFrom("open_list", "ultra_call"),
      region: fc.constantFrom(...REGIONS),
      bid: fc.integer({ min: 0, max: 3 }),
      startsIn: fc.integer({ min: -30, max: 30 }),
      lasts: fc.integer({ min: 1, max: 40 }),
    }),
    { maxLength: 2 },
  ),
  advance: fc.integer({ min: 0, max: 20 }), // minutes the clock moves after this change
});

type Step = typeof shopState extends fc.Arbitrary<infer T> ? T : never;

function aggregate(s: Step, version: number, now: number): ShopAggregate {
  const id = `s_${s.shop}`;
  return {
    id,
    ownerId: "o_1",
    name: `가게 ${id} v${version}`,
    category: s.category,
    regions: s.regions,
    address: "서울",
    phone: "02-000-0000",
    minOrder: 10000,
    deliveryFee: 0,
    openHours: "11:00-23:00",
    status: s.status as ShopAggregate["status"],
    rating: s.rating / 10,
    reviewCount: s.reviewCount,
    createdAt: new Date(NOW).toISOString(),
    deleted: s.deleted,
    version,
    menus: [],
    ads: s.ads.map((a, i) => ({
      id: `a_${s.shop}_${i}`,
      shopId: id,
      product: a.product as "open_list" | "ultra_call",
      regions: [a.region],
      startsAt: new Date(now + a.startsIn * MIN).toISOString(),
      endsAt: new Date(now + (a.startsIn + a.lasts) * MIN).toISOString(),
      bid: a.bid,
      status: "active",
    })),
    owner,
  };
}

describe("incremental lists and main (property: equal to the full projection)", () => {
  it("the stored member order is the serving order", () => {
    const entry = fc.record({
      id: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
      rating: fc.double({ min: 0, max: 5, noNaN: true }),
      reviewCount: fc.integer({ min: 0, max: 1_000_000_000 }),
      ad: fc.option(
        fc.record({
          product: fc.constantFrom("open_list", "ultra_call"),
          bid: fc.integer({ min: 0, max: 100_000_000 }),
        }),
      ),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (raw) => {
        const entries = [...new Map(raw.map((e) => [e.id, e])).values()].map(
          (e) =>
            ({
              ...e,
              ad: e.ad ? { ...e.ad, endsAt: "2030-01-01T00:00:00.000Z" } : null,
            }) as unknown as ListEntry,
        );
        const byMember = [...entries].sort((a, b) => (listMember(a) < listMember(b) ? -1 : 1));
        expect(byMember.map((e) => e.id)).toEqual([...entries].sort(compareEntries).map((e) => e.id));
      }),
      { numRuns: 300 },
    );
  });

  it("entry by entry, with ads starting and ending on the clock, lists and main equal a from-scratch build", () => {
    fc.assert(
      fc.property(fc.array(shopState, { minLength: 1, maxLength: 40 }), (steps) => {
        const lists = new Map<string, Map<string, ListEntry>>(); // what the store would hold
        const memberships = new Map<string, Set<string>>();
        const current = new Map<string, ShopAggregate>();
        const timers = new Map<string, number>();
        let now = NOW;
        let version = 0;
        const apply = (shop: ShopAggregate, at: number) => {
          const was = memberships.get(shop.id) ?? new Set();
          const touched = [...new Set([...was, ...listKeysOf(shop)])];
          for (const c of entryChanges(shop, touched, at)) {
            const list = lists.get(c.list) ?? new Map();
            lists.set(c.list, list);
            if (c.entry) list.set(c.id, JSON.parse(c.entry.card));
            else list.delete(c.id);
          }
          memberships.set(shop.id, new Set(listKeysOf(shop)));
          const boundary = nextAdBoundary(shop.ads, at);
          if (boundary === null) timers.delete(shop.id);
          else timers.set(shop.id, boundary);
        };
        for (const step of steps) {
          const shop = aggregate(step, ++version, now);
          current.set(shop.id, shop);
          apply(shop, now);
          now += step.advance * MIN;
          // The ad timers that came due fire in time order, each a rebuild at its own moment.
          for (;;) {
            const due = [...timers].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1])[0];
            if (!due) break;
            apply(current.get(due[0]) as ShopAggregate, due[1]);
          }
        }
        const shops = [...current.values()];
        for (const region of REGIONS) {
          const full = CATEGORIES.map((category) => projectList(region, category, { seq: 1, shops }, now));
          for (const expected of full) {
            const got = [...(lists.get(docKey.list(region, expected.category))?.values() ?? [])].sort(
              compareEntries,
            );
            expect(got).toEqual(expected.shops);
          }
          const heads = regionLists(region).map((key) => {
            const sorted = [...(lists.get(key)?.values() ?? [])].sort(compareEntries);
            return {
              total: sorted.length,
              seq: 1,
              cards: sorted.slice(0, FEATURED_LIMIT).map((e) => JSON.stringify(e)),
            };
          });
          const main = mainFromHeads(region, heads, now);
          const expectedMain = projectMain(region, full, now);
          expect({ categories: main.categories, featured: main.featured }).toEqual({
            categories: expectedMain.categories,
            featured: expectedMain.featured,
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a paused shop leaves every list; an open one is in exactly its regions' lists of its category", () => {
    const s = aggregate(
      {
        shop: 1,
        category: "pizza",
        regions: ["mapo", "seocho"],
        status: "open",
        deleted: false,
        rating: 40,
        reviewCount: 1,
        ads: [],
        advance: 0,
      },
      3,
      NOW,
    );
    const all = REGIONS.flatMap((r) => CATS.map((c) => docKey.list(r, c)));
    const listed = entryChanges(s, all, NOW)
      .filter((c) => c.entry)
      .map((c) => c.list);
    expect(listed).toEqual(["list:mapo:pizza", "list:seocho:pizza"]);
    expect(JSON.parse(entryChanges(s, ["list:mapo:pizza"], NOW)[0]?.entry?.card as string)).toEqual(
      toListEntry(s, "mapo", NOW),
    );
    expect(entryChanges({ ...s, status: "paused" }, all, NOW).every((c) => c.entry === null)).toBe(true);
  });
});
