import type { Category } from "../../contract/index.ts";

/** What each category sells, and the words shop names are made of (Korean, as customers see them). */
export const DISH: Record<Category, { noun: string; items: string[]; price: [number, number] }> = {
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
export const PREFIX = [
  "원조",
  "행복한",
  "황금",
  "할매",
  "서울",
  "한강",
  "맛나",
  "대박",
  "으뜸",
  "별빛",
  "🍗 바삭",
];
