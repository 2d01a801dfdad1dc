/**
 * The functions a V8 CPU profile spent most of its time in (self and total), and the longest
 * stretches without an idle sample — where an event-loop stall went.
 *
 *   node --import tsx bench/profile-top.ts FILE.cpuprofile [top=30] [last-seconds]
 *
 * With `last-seconds`, only the profile's final seconds count: a pipeline bench's measured window
 * comes last, after a first build that would otherwise fill the top of the list.
 */
import { readFile } from "node:fs/promises";

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
const [file, topArg, lastArg] = process.argv.slice(2);
const p = JSON.parse(await readFile(file as string, "utf8")) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n: Node) =>
  `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/work\/main\//, "")}:${n.callFrame.lineNumber + 1}`;
const self = new Map<string, number>();
const total = new Map<string, number>();
let busy = 0;
let stretch = 0;
const stretches: { ms: number; top: Map<string, number> }[] = [];
let current = new Map<string, number>();
const span = p.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
const from = lastArg ? span - Number(lastArg) * 1000 : 0;
let clock = 0;
p.samples.forEach((id, i) => {
  const ms = (p.timeDeltas[i] ?? 0) / 1000;
  clock += ms;
  if (clock < from) return;
  const n = byId.get(id) as Node;
  const idle = n.callFrame.functionName === "(idle)";
  if (idle) {
    if (stretch > 50) stretches.push({ ms: stretch, top: current });
    stretch = 0;
    current = new Map();
    return;
  }
  busy += ms;
  stretch += ms;
  self.set(name(n), (self.get(name(n)) ?? 0) + ms);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const k = name(byId.get(at) as Node);
    if (seen.has(k)) continue;
    seen.add(k);
    total.set(k, (total.get(k) ?? 0) + ms);
    current.set(k, (current.get(k) ?? 0) + ms);
  }
});
const top = Number(topArg ?? 30);
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${ms.toFixed(0).padStart(8)} ms  ${k}`);
};
console.log(
  `busy ${busy.toFixed(0)} ms of ${(span - from).toFixed(0)} ms${lastArg ? ` (the last ${lastArg} s)` : ""}`,
);
show("self time", self);
show("total time (inclusive)", total);
for (const s of stretches.sort((a, b) => b.ms - a.ms).slice(0, 3))
  show(`a busy stretch of ${s.ms.toFixed(0)} ms: inclusive`, s.top);
