/**
 * Cost of one list change against the list's length: a list of N members (N = a small region's
 * list … the 100,000-shop catalogue's biggest, ~4,200) takes batches of rank changes — each moves a
 * shop's member, as a rating or review count does — through `applyToRecord`, as the memory and KV
 * stores apply them. Batches of 2 and of 40 moves per list: a quiet stream and a backlog.
 * Medians of interleaved rounds, µs per change. Not part of `npm test`.
 *
 *   node --import tsx bench/list-apply.ts            # A/B: run it in two checkouts, one after the other
 */
import { LIST_SORT_WIDTH } from "../contract/list-order.ts";
import { applyToRecord, emptyRecord } from "../store/list-record.ts";
import type { ListChange } from "../store/port.ts";
import { benchArgs, numbers } from "./lib/args.ts";
import { median } from "./lib/wrk.ts";

const args = benchArgs({ sizes: "80,250,1000,4200", rounds: "5", changes: "40000" });
const sizes = numbers(args.sizes, "sizes");
const id = (i: number) => `s_demo_${String(i).padStart(6, "0")}`;
const member = (key: number, i: number) => `${String(key).padStart(LIST_SORT_WIDTH, "0")}${id(i)}`;

function listOf(size: number) {
  const rec = emptyRecord();
  let rev = 0;
  const changes: ListChange[] = Array.from({ length: size }, (_, i) => ({
    list: "list:songpa:chicken",
    id: id(i),
    guard: { version: 1, seq: 1 },
    entry: { member: member((i * 7919) % 1_000_000, i), card: `{"id":"${id(i)}","rating":4.5}` },
  }));
  applyToRecord(rec, changes, () => ++rev, "t");
  return { rec, next: () => ++rev };
}

/** µs per change for `count` rank changes in batches of `batch` on one list of `size`. */
function measure(size: number, batch: number, count: number): number {
  const { rec, next } = listOf(size);
  let seq = 1;
  const started = performance.now();
  for (let done = 0; done < count; done += batch) {
    seq++;
    const changes: ListChange[] = [];
    for (let j = 0; j < batch; j++) {
      const i = (done + j) % size;
      changes.push({
        list: "list:songpa:chicken",
        id: id(i),
        guard: { version: seq, seq },
        entry: {
          member: member((seq * 104_729 + i * 31) % 1_000_000, i),
          card: `{"id":"${id(i)}","at":${seq}}`,
        },
      });
    }
    applyToRecord(rec, changes, next, "t");
  }
  return ((performance.now() - started) * 1000) / count;
}

const results = new Map<string, number[]>();
for (let round = 0; round < Number(args.rounds); round++)
  for (const size of sizes)
    for (const batch of [2, 40]) {
      const k = `${size}|${batch}`;
      results.set(k, [...(results.get(k) ?? []), measure(size, batch, Number(args.changes))]);
    }

console.log(`| list length | µs per change, 2 per batch | 40 per batch |`);
console.log("|---:|---:|---:|");
for (const size of sizes)
  console.log(
    `| ${size.toLocaleString("en")} | ${median(results.get(`${size}|2`) ?? []).toFixed(2)} | ${median(results.get(`${size}|40`) ?? []).toFixed(2)} |`,
  );
