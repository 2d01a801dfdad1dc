/**
 * Which index for search: ours (per shop: squashed keys and initial consonants; a scan with a
 * character filter, rankings cached per index version) against MiniSearch (an inverted index; Korean
 * substrings need syllable n-grams as terms, initial consonants a field of their own). Same shops
 * (the demo generator's national shape, one region's worth), same queries, one process. Reports
 * build time, heap per shop and per-query time (uncached). Not part of `npm test`.
 *
 *   node --expose-gc --import tsx bench/search-index.ts --shops 20000
 */

import { getChoseong } from "es-hangul";
import MiniSearch from "minisearch";
import { keyed, parseQuery, score } from "../edge/search/match.ts";
import { demoChunks } from "../origin/demo/generate.ts";
import { benchArgs } from "./lib/args.ts";

const args = benchArgs({ shops: "20000" });
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
type Shop = { id: string; name: string; menus: string[] };
const shops: Shop[] = [];
for (const chunk of demoChunks(
  { shops: Number(args.shops), seed: 11, now: Date.now(), regions: 500 },
  2000,
)) {
  const menus = new Map<string, string[]>();
  for (const m of chunk.menus) menus.set(m.shopId, [...(menus.get(m.shopId) ?? []), m.name]);
  for (const s of chunk.shops) shops.push({ id: s.id, name: s.name, menus: menus.get(s.id) ?? [] });
}
const QUERIES = ["치킨", "복한", "행복한치킨", "떡볶이", "떡볶기", "ㄸㅂㅇ", "gangnam"];
const squash = (s: string) => s.replace(/\s+/g, "").toLowerCase();
// Korean substrings as terms: every syllable bigram (and single syllables), plus the squashed text.
const grams = (s: string) => {
  const k = squash(s);
  const out = new Set([k]);
  for (let i = 0; i < k.length; i++) {
    out.add(k[i] as string);
    if (i + 1 < k.length) out.add(k.slice(i, i + 2));
  }
  return [...out];
};

function measure<T>(build: () => T) {
  gc();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const index = build();
  const buildMs = performance.now() - started;
  gc();
  return {
    index,
    buildMs: Math.round(buildMs),
    bytesPerShop: Math.round((process.memoryUsage().heapUsed - before) / shops.length),
  };
}
const time = (f: () => number) => {
  const started = performance.now();
  let hits = 0;
  for (let i = 0; i < 5; i++) hits = f();
  return { ms: +((performance.now() - started) / 5).toFixed(2), hits };
};

const ours = measure(() => shops.map((s) => ({ id: s.id, name: keyed(s.name), menus: s.menus.map(keyed) })));
const mini = measure(() => {
  const ms = new MiniSearch<Shop & { choseong: string }>({
    fields: ["name", "menus", "choseong"],
    storeFields: [],
    extractField: (doc, field) =>
      field === "menus" ? doc.menus.join(" ") : String((doc as Record<string, unknown>)[field]),
    tokenize: (text, field) => (field === "choseong" ? [text] : text.split(/\s+/).flatMap(grams)),
    processTerm: (t) => t.toLowerCase(),
  });
  ms.addAll(shops.map((s) => ({ ...s, choseong: getChoseong(squash(s.name)) })));
  return ms;
});

console.log(`${shops.length} shops, ${shops.reduce((n, s) => n + s.menus.length, 0)} menus`);
console.log(
  "| index | build ms | heap per shop | " + QUERIES.map((q) => `“${q}” ms (hits)`).join(" | ") + " |",
);
console.log(`|---|---:|---:|${QUERIES.map(() => "---:").join("|")}|`);
const oursRow = QUERIES.map((q) =>
  time(() => {
    const query = parseQuery(q);
    return ours.index.filter((e) => score(query, e.name) > 0 || e.menus.some((m) => score(query, m) > 0))
      .length;
  }),
);
const miniRow = QUERIES.map((q) =>
  time(() => {
    const query = squash(q);
    if (/^[ㄱ-ㅎ]+$/.test(query))
      return mini.index.search(query, { fields: ["choseong"], prefix: true }).length;
    // Every bigram of the query must match (AND): a substring match, found through the index.
    return mini.index.search(
      grams(query)
        .filter((g) => g.length === 2 || query.length === 1)
        .join(" "),
      {
        combineWith: "AND",
        fields: ["name", "menus"],
        fuzzy: query.length >= 3 ? 0.34 : false,
      },
    ).length;
  }),
);
const row = (name: string, m: { buildMs: number; bytesPerShop: number }, r: { ms: number; hits: number }[]) =>
  console.log(
    `| ${name} | ${m.buildMs} | ${m.bytesPerShop} B | ${r.map((x) => `${x.ms} (${x.hits})`).join(" | ")} |`,
  );
row("ours: scan + character filter", ours, oursRow);
row("MiniSearch 7.2.0: syllable bigrams", mini, miniRow);
