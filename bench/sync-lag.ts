/**
 * Sync lag, end to end on Node with the memory store: origin command → outbox → relay → ingest →
 * queue → state fetch → documents. Reports p50/p99/max of (detail document at the new version in
 * the store) − (command answered by the origin), for N changes at R changes/s. Not part of `npm test`.
 *
 *   npm run bench:lag                  # 200 changes at 100/s
 *   node --import tsx bench/sync-lag.ts --changes 1000 --rate 1000
 *   node --import tsx bench/sync-lag.ts --rate 1000 --db postgres   # origin on DATABASE_URL's server
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { docKey } from "../contract/index.ts";
import { migrate } from "../origin/db/migrations.ts";
import { openPglite } from "../origin/db/pglite.ts";
import { pendingCount } from "../origin/domain/outbox.ts";
import { startStack } from "../tests/stack.ts";
import { openThrowawayPostgres } from "../tests/throwaway-postgres.ts";

const { values: args } = parseArgs({
  options: {
    changes: { type: "string", default: "200" },
    rate: { type: "string", default: "100" },
    shops: { type: "string", default: "200" },
    // PGlite (one WASM connection) tops out near 200 commits/s; PostgreSQL shows the query side.
    // postgres-async: synchronous_commit off, for when the disk's flush time bounds the origin.
    db: { type: "string", default: "pglite" },
  },
});
const CHANGES = Number(args.changes);
const RATE = Number(args.rate);

const DB = (["postgres", "postgres-async"] as const).find((d) => d === args.db) ?? "pglite";
const db =
  DB === "pglite"
    ? await openPglite()
    : await openThrowawayPostgres(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test", {
        max: 8,
        asyncCommit: DB === "postgres-async",
      });
if (DB === "pglite") await migrate(db);
const stack = await startStack(db, { demoShops: Number(args.shops) });
stack.sync.start(0);
// Warm-up: the first build arrives twice (catch-up and the relay's seed events); measure only once
// both have settled, so the figures are steady-state lag, not the initial build's backlog.
while ((await stack.store.countDocuments()).detail < Number(args.shops) || (await pendingCount(db)) > 0) {
  await new Promise((r) => setTimeout(r, 50));
}
await stack.sync.consumer.drain();
await new Promise((r) => setTimeout(r, 500));

const lags: number[] = [];
const pending = new Map<string, { version: number; at: number }>();
// Told of every write by the store itself: no polling loop competing for the one event loop.
const byKey = new Map<string, string>();
const check = async (id: string) => {
  const want = pending.get(id);
  const doc = want ? await stack.store.get(docKey.detail(id)) : null;
  if (want && doc && doc.version >= want.version && pending.get(id) === want) {
    lags.push(performance.now() - want.at);
    pending.delete(id);
  }
};
const unsubscribe = await (stack.store.onWrite as NonNullable<typeof stack.store.onWrite>)((key) => {
  const id = byKey.get(key);
  if (id) void check(id);
});
const started = performance.now();
const writes: Promise<void>[] = [];
for (let i = 0; i < CHANGES; i++) {
  const due = started + (i * 1000) / RATE;
  while (performance.now() < due)
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  // Each change hits a different shop, so one change's lag is not hidden behind another's.
  const id = `s_demo_${String((i % Number(args.shops)) + 1).padStart(6, "0")}`;
  writes.push(
    fetch(`${stack.originUrl}/shops/${id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reviewCount: 10_000 + i }),
    })
      .then((r) => r.json() as Promise<{ version: number }>)
      .then((r) => {
        const prev = pending.get(id);
        if (!prev || prev.version < r.version) pending.set(id, { version: r.version, at: performance.now() });
        byKey.set(docKey.detail(id), id);
        return check(id); // the document may already be there
      }),
  );
}
await Promise.all(writes);
while (pending.size > 0) await new Promise((r) => setTimeout(r, 10));
unsubscribe();
const sent = performance.now() - started;

lags.sort((a, b) => a - b);
const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] as number;
const result = {
  at: new Date().toISOString(),
  changes: CHANGES,
  targetRate: RATE,
  achievedRate: Math.round((CHANGES / sent) * 1000),
  measured: lags.length,
  p50Ms: +q(0.5).toFixed(1),
  p99Ms: +q(0.99).toFixed(1),
  maxMs: +(lags.at(-1) as number).toFixed(1),
  originDb: DB,
  target: "p99 < 100 ms",
  pass: q(0.99) < 100,
};
console.log(`\nsync lag, memory store, Node, in-process origin (${DB}) + sync-worker over loopback HTTP`);
console.log(
  "| changes | rate (target/achieved) | p50 ms | p99 ms | max ms | p99 < 100 ms |\n|---:|---:|---:|---:|---:|:---:|",
);
console.log(
  `| ${CHANGES} | ${RATE}/${result.achievedRate} | ${result.p50Ms} | ${result.p99Ms} | ${result.maxMs} | ${result.pass ? "pass" : "FAIL"} |`,
);
await writeFile(
  `bench/results/sync-lag-${CHANGES}-at-${RATE}-${DB}.json`,
  `${JSON.stringify(result, null, 2)}\n`,
);
await stack.stop();
await db.close();
