/**
 * The worst case a search query can cost the edge, with and without the per-query typo budget
 * (EDGE_SEARCH_TYPO_CELLS): every text of N shops (names and menus, the demo generator's national
 * shape) scored as one region's ranking does, for queries of 3–5 syllables that match nothing
 * exactly, so the typo pass runs on every text the character filter lets through. Median of
 * `--rounds` passes each, side by side in one process. Not part of `npm test`.
 *
 *   node --import tsx bench/search-budget.ts --shops 100000
 */
import { edgeConfig } from "../edge/config.ts";
import { keyed, parseQuery, score, typoBudget } from "../edge/search/match.ts";
import { demoChunks } from "../origin/demo/generate.ts";
import { benchArgs } from "./lib/args.ts";

const args = benchArgs({ shops: "100000", rounds: "7" });
const texts: ReturnType<typeof keyed>[] = [];
for (const chunk of demoChunks(
  { shops: Number(args.shops), seed: 11, now: Date.now(), regions: 500 },
  2000,
)) {
  for (const s of chunk.shops) texts.push(keyed(s.name));
  for (const m of chunk.menus) texts.push(keyed(m.name));
}
const cells = Number(process.env.BENCH_TYPO_CELLS ?? edgeConfig({}).searchTypoCells);
// Typos of common words: each shares all but one syllable with many texts, so the filter passes them.
const QUERIES = ["치킨집", "떡볶기집", "행복한치긴", "맛있는떡복이", "교촌치킨강남"];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function pass(q: string, budgetCells: number) {
  const query = parseQuery(q);
  const budget = typoBudget(budgetCells);
  let hits = 0;
  const started = performance.now();
  for (const t of texts) if (score(query, t, budget) > 0) hits++;
  return { ms: performance.now() - started, hits, partial: budget.exhausted };
}

console.log(
  `${args.shops} shops, ${texts.length} texts; budget ${cells} cells (EDGE_SEARCH_TYPO_CELLS default)`,
);
console.log("| query | unbudgeted ms (hits) | budgeted ms (hits, partial) |\n|---|---:|---:|");
for (const q of QUERIES) {
  const free: number[] = [];
  const held: number[] = [];
  let last = { free: pass(q, Infinity), held: pass(q, cells) };
  for (let i = 0; i < Number(args.rounds); i++) {
    // Alternated, so a noisy moment of the shared machine falls on both.
    last = { free: pass(q, Infinity), held: pass(q, cells) };
    free.push(last.free.ms);
    held.push(last.held.ms);
  }
  console.log(
    `| ${q} | ${median(free).toFixed(1)} (${last.free.hits}) | ${median(held).toFixed(1)} (${last.held.hits}, ${last.held.partial}) |`,
  );
}
