import {
  type Ad,
  CATEGORIES,
  type Category,
  type MenuItem,
  type Owner,
  type Shop,
} from "../../contract/index.ts";
import { DISH, PREFIX } from "./dishes.ts";

export const DEMO_REGIONS = [
  "gangnam",
  "seocho",
  "songpa",
  "mapo",
  "yongsan",
  "jongno",
  "seongdong",
  "gwanak",
  "yeongdeungpo",
  "gangseo",
] as const;

export type DemoData = { owners: Owner[]; shops: Shop[]; menus: MenuItem[]; ads: Ad[] };

/** mulberry32: tiny, fast and the same on every runtime, so a seed always yields the same data. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  return { next, int, pick };
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

export type DemoOptions = {
  shops: number;
  seed: number;
  now: number;
  /** Delivery regions; more than the ten named ones gives the national shape (see `placeShop`). */
  regions?: number;
};

/** The ten named Seoul regions, then `dong-011`, `dong-012`, … up to `count`. */
export function demoRegions(count: number = DEMO_REGIONS.length): string[] {
  const names: string[] = [...DEMO_REGIONS].slice(0, count);
  for (let i = names.length + 1; i <= count; i++) names.push(`dong-${pad(i, 3)}`);
  return names;
}

/**
 * Deterministic demo data for `shops` shops: the same (seed, shops, regions, now) gives the same
 * rows. Ads are placed relative to `now` so some are live, some start and some end within the hour.
 */
export function generateDemo(options: DemoOptions): DemoData {
  const data: DemoData = { owners: [], shops: [], menus: [], ads: [] };
  for (const chunk of demoChunks(options)) {
    data.owners.push(...chunk.owners);
    data.shops.push(...chunk.shops);
    data.menus.push(...chunk.menus);
    data.ads.push(...chunk.ads);
  }
  return data;
}

/**
 * The demo data in chunks of `size` shops, generated as they are asked for: 100,000 shops with
 * their 1.7 million menu items are never all in memory at once.
 */
export function* demoChunks(options: DemoOptions, size = 2000): Generator<DemoData> {
  const r = rng(options.seed);
  const now = Math.floor(options.now / MIN) * MIN;
  const place = placeShop(demoRegions(options.regions), r);
  let data: DemoData = { owners: [], shops: [], menus: [], ads: [] };
  for (let i = 0; i < options.shops; i++) {
    demoShop(i, now, r, place, data);
    if (data.shops.length === size) {
      yield data;
      data = { owners: [], shops: [], menus: [], ads: [] };
    }
  }
  if (data.shops.length > 0) yield data;
}

/**
 * Where shop i is and delivers. The ten-region demo keeps its small shape (1–3 regions, homes in
 * turn). A national catalogue is skewed: homes follow a Zipf distribution over
 * the regions (the first ones are the busiest, so some lists hold thousands of shops) and each shop
 * delivers to 5–20 neighbouring regions around its home.
 */
function placeShop(names: readonly string[], r: ReturnType<typeof rng>) {
  if (names.length <= DEMO_REGIONS.length) {
    return (i: number) => {
      const home = names[Math.floor(i / CATEGORIES.length) % names.length] as string;
      return {
        home,
        regions: [...new Set([home, ...Array.from({ length: r.int(0, 2) }, () => r.pick(names))])],
      };
    };
  }
  const cdf: number[] = [];
  let sum = 0;
  for (let k = 0; k < names.length; k++) {
    sum += 1 / (k + 1);
    cdf.push(sum);
  }
  return () => {
    const x = r.next() * sum;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    const reach = r.int(5, Math.min(20, names.length));
    const regions: string[] = [];
    for (let k = 0; regions.length < reach; k++) {
      const offset = k % 2 === 0 ? k / 2 : -(k + 1) / 2; // home, +1, -1, +2, -2, …
      regions.push(names[(lo + offset + names.length) % names.length] as string);
    }
    return { home: names[lo] as string, regions };
  };
}

function demoShop(
  i: number,
  now: number,
  r: ReturnType<typeof rng>,
  place: (i: number) => { home: string; regions: string[] },
  data: DemoData,
): void {
  const at = (ms: number) => new Date(ms).toISOString();
  const ownerIndex = Math.floor(i / 2); // most owners run two shops: owner events fan out
  if (i % 2 === 0) data.owners.push(demoOwner(ownerIndex, r));
  const category = CATEGORIES[i % CATEGORIES.length] as Category;
  const { home, regions } = place(i);
  const id = `s_demo_${pad(i + 1, 6)}`;
  const dish = DISH[category];
  const roll = r.next();
  data.shops.push({
    id,
    ownerId: `o_demo_${pad(ownerIndex + 1, 6)}`,
    name: `${r.pick(PREFIX)} ${dish.noun} ${home}점`,
    category,
    regions,
    address: `서울시 ${home} ${r.int(1, 300)}-${r.int(1, 40)}`,
    phone: `02-${r.int(200, 999)}-${pad(r.int(0, 9999), 4)}`,
    minOrder: r.int(8, 20) * 1000,
    deliveryFee: r.int(0, 8) * 500,
    openHours: category === "night" ? "18:00-24:00" : category === "cafe" ? "08:00-22:00" : "11:00-23:00",
    status: roll < 0.85 ? "open" : roll < 0.95 ? "paused" : "closed",
    rating: r.int(30, 50) / 10,
    reviewCount: r.int(0, 5000),
    createdAt: at(now - r.int(30, 1500) * DAY),
    deleted: false,
    version: 1,
  });
  const menuCount = r.int(5, 30);
  for (let m = 0; m < menuCount; m++) {
    const base = dish.items[m % dish.items.length] as string;
    data.menus.push({
      id: `m_demo_${pad(i + 1, 6)}_${pad(m + 1, 2)}`,
      shopId: id,
      name: m < dish.items.length ? base : `${base} 세트 ${Math.floor(m / dish.items.length)}`,
      price: Math.round(r.int(dish.price[0], dish.price[1]) / 500) * 500,
      description: r.next() < 0.5 ? "" : `${home} 주민이 사랑하는 ${base}`,
      soldOut: r.next() < 0.05,
      popular: m < 3 && r.next() < 0.6,
    });
  }
  // The first shops carry one ad of each timing so even a tiny demo shows every case.
  const adCount = i < 4 ? 1 : r.next() < 0.35 ? r.int(1, 2) : 0;
  for (let k = 0; k < adCount; k++) {
    const timing = i < 4 ? i : r.int(0, 9) < 6 ? 0 : r.int(1, 3);
    const [startsAt, endsAt] =
      timing === 0
        ? [now - r.int(1, 10) * DAY, now + r.int(1, 30) * DAY] // live
        : timing === 1
          ? [now + r.int(5, 55) * MIN, now + r.int(2, 30) * DAY] // starts within the hour
          : timing === 2
            ? [now - r.int(1, 10) * DAY, now + r.int(5, 55) * MIN] // ends within the hour
            : [now - r.int(20, 40) * DAY, now - r.int(1, 10) * DAY]; // over
    data.ads.push({
      id: `a_demo_${pad(i + 1, 6)}_${k + 1}`,
      shopId: id,
      product: r.next() < 0.5 ? "open_list" : "ultra_call",
      regions: r.next() < 0.7 ? [home] : regions,
      startsAt: at(startsAt),
      endsAt: at(endsAt),
      bid: r.int(1, 100) * 1000,
      status: r.next() < 0.9 || i < 4 ? "active" : "paused",
    });
  }
}

function demoOwner(index: number, r: ReturnType<typeof rng>): Owner {
  const family = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
  const given = ["민준", "서연", "도윤", "지우", "하준", "서윤", "시우", "하은", "주원", "지민"];
  const n = index + 1;
  return {
    id: `o_demo_${pad(n, 6)}`,
    name: `${r.pick(family)}${r.pick(given)}`,
    businessName: `${r.pick(PREFIX)}푸드 ${n}호`,
    businessNumber: `${r.int(100, 999)}-${pad(r.int(1, 99), 2)}-${pad(r.int(0, 99999), 5)}`,
    phone: `010-${pad(r.int(0, 9999), 4)}-${pad(r.int(0, 9999), 4)}`,
    email: `owner${n}@example.com`,
    bankAccount: `KB ${r.int(100, 999)}-${pad(r.int(0, 999999), 6)}-${pad(r.int(0, 99999), 5)}`,
  };
}
