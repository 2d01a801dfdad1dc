import {
  type Ad,
  CATEGORIES,
  type Category,
  type MenuItem,
  type Owner,
  type Shop,
} from "../../contract/index.ts";

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

const DISH: Record<Category, { noun: string; items: string[]; price: [number, number] }> = {
  chicken: {
    noun: "치킨",
    items: ["후라이드", "양념치킨", "간장치킨", "반반치킨", "치즈볼", "콜라"],
    price: [15000, 24000],
  },
  pizza: {
    noun: "피자",
    items: ["페퍼로니", "불고기피자", "포테이토", "고구마피자", "치즈오븐스파게티"],
    price: [12000, 29000],
  },
  korean: {
    noun: "한식당",
    items: ["김치찌개", "된장찌개", "제육볶음", "비빔밥", "불고기", "계란말이"],
    price: [8000, 16000],
  },
  chinese: {
    noun: "반점",
    items: ["짜장면", "짬뽕", "탕수육", "볶음밥", "마파두부", "군만두"],
    price: [7000, 22000],
  },
  japanese: {
    noun: "스시",
    items: ["모둠초밥", "연어덮밥", "돈카츠", "우동", "사케동", "새우튀김"],
    price: [9000, 28000],
  },
  snack: { noun: "분식", items: ["떡볶이", "순대", "김밥", "튀김", "라면", "어묵"], price: [3000, 9000] },
  cafe: {
    noun: "카페",
    items: ["아메리카노", "카페라떼", "바닐라라떼", "딸기케이크", "크로플", "자몽에이드"],
    price: [3500, 7500],
  },
  burger: {
    noun: "버거",
    items: ["치즈버거", "베이컨버거", "더블패티", "감자튀김", "치킨버거", "밀크쉐이크"],
    price: [5000, 13000],
  },
  jokbal: {
    noun: "족발",
    items: ["족발 중", "족발 대", "보쌈", "막국수", "반반족발", "불족발"],
    price: [25000, 45000],
  },
  night: {
    noun: "야식",
    items: ["닭발", "곱창", "오돌뼈", "주먹밥", "계란찜", "골뱅이무침"],
    price: [12000, 28000],
  },
};
const PREFIX = ["원조", "행복한", "황금", "할매", "서울", "한강", "맛나", "대박", "으뜸", "별빛", "🍗 바삭"];

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

/**
 * Deterministic demo data for `shops` shops: the same (seed, shops, now) gives the same rows. Ads are
 * placed relative to `now` so some are live, some start and some end within the next hour.
 */
export function generateDemo(options: { shops: number; seed: number; now: number }): DemoData {
  const r = rng(options.seed);
  const now = Math.floor(options.now / MIN) * MIN;
  const at = (ms: number) => new Date(ms).toISOString();
  const data: DemoData = { owners: [], shops: [], menus: [], ads: [] };
  for (let i = 0; i < options.shops; i++) {
    const ownerIndex = Math.floor(i / 2); // most owners run two shops: owner events fan out
    if (i % 2 === 0) data.owners.push(demoOwner(ownerIndex, r));
    const category = CATEGORIES[i % CATEGORIES.length] as Category;
    const home = DEMO_REGIONS[Math.floor(i / CATEGORIES.length) % DEMO_REGIONS.length] as string;
    const regions = [...new Set([home, ...Array.from({ length: r.int(0, 2) }, () => r.pick(DEMO_REGIONS))])];
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
  return data;
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
