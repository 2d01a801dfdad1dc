/**
 * PostgreSQL's own CPU per origin statement, prepared (the default) against planned afresh on every
 * call (`DATABASE_PREPARE=false`), at catalogue sizes side by side. One connection per measurement;
 * its server process's CPU (utime + stime from /proc, so the server must run on this machine) over
 * a menu price change (the commonest command: one statement with its outbox row) and a batched state
 * read of 15 shops (a live batch's size at 500 changes/s). Modes alternate, rounds repeat; medians.
 *
 *   node --import tsx bench/statement-cost.ts --shops 2000,100000
 */
import { readFile } from "node:fs/promises";
import { openPostgres } from "../origin/db/postgres.ts";
import type { Database } from "../origin/db/sql.ts";
import { seedDemoIfEmpty } from "../origin/demo/seed.ts";
import { patchMenuItem } from "../origin/domain/items.ts";
import { shopsState } from "../origin/domain/state.ts";
import { openThrowawayPostgres } from "../tests/throwaway-postgres.ts";
import { benchArgs, numbers } from "./lib/args.ts";
import { benchUrls } from "./lib/rig.ts";
import { median } from "./lib/wrk.ts";

const args = benchArgs({ shops: "2000,100000", ops: "3000", rounds: "3" });
const OPS = Number(args.ops);
const TICK_US = 10_000; // USER_HZ 100

/** CPU µs a server process has used so far. */
async function cpuUs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * TICK_US; // utime, stime (fields 14, 15)
}

async function measure(url: string, prepare: boolean, menus: string[], shops: string[]) {
  const db: Database = await openPostgres(url, { max: 1, prepare });
  try {
    const [row] = await db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const pid = Number(row?.pid);
    const pick = <T>(xs: T[], i: number) => xs[(i * 7919) % xs.length] as T;
    const command = (i: number) =>
      db.transaction((tx) => patchMenuItem(tx, pick(menus, i), { price: 1000 + (i % 500) }), "statement");
    const read = (i: number) =>
      shopsState(
        db,
        Array.from({ length: 15 }, (_, k) => pick(shops, i * 15 + k)),
      );
    const per = async (fn: (i: number) => Promise<unknown>, n: number, offset: number) => {
      for (let i = 0; i < 50; i++) await fn(offset + i); // warm: catalog caches, prepared statements
      const before = await cpuUs(pid);
      for (let i = 0; i < n; i++) await fn(offset + 50 + i);
      return Math.round(((await cpuUs(pid)) - before) / n);
    };
    return { command: await per(command, OPS, 0), read: await per(read, OPS / 5, OPS) };
  } finally {
    await db.close();
  }
}

const results: { shops: number; mode: string; command: number[]; read: number[] }[] = [];
for (const shops of numbers(args.shops, "shops")) {
  console.error(`… ${shops} shops: seeding`);
  const db = await openThrowawayPostgres(benchUrls().postgres, { max: 2, asyncCommit: true });
  try {
    await seedDemoIfEmpty(db, { shops, regions: 500, seed: 11 });
    const menus = (await db.query<{ id: string }>("SELECT id FROM menus")).map((r) => r.id);
    const ids = (await db.query<{ id: string }>("SELECT id FROM shops")).map((r) => r.id);
    const modes = { prepared: true, unprepared: false };
    const got = Object.keys(modes).map((mode) => ({
      shops,
      mode,
      command: [] as number[],
      read: [] as number[],
    }));
    for (let r = 0; r < Number(args.rounds); r++)
      for (const g of r % 2 ? [...got].reverse() : got) {
        const m = await measure(db.url, modes[g.mode as keyof typeof modes], menus, ids);
        g.command.push(m.command);
        g.read.push(m.read);
      }
    results.push(...got);
  } finally {
    await db.close();
  }
}

console.log(
  `\nPostgreSQL server CPU per statement, µs (median of ${args.rounds} rounds; ${OPS} commands, ${OPS / 5} reads each)`,
);
console.log("| shops | mode | menu price change | batched state read (15 shops) | rounds (change / read) |");
console.log("|---:|---|---:|---:|---|");
for (const r of results)
  console.log(
    `| ${r.shops.toLocaleString("en")} | ${r.mode} | ${median(r.command)} | ${median(r.read)} | ${r.command.join(", ")} / ${r.read.join(", ")} |`,
  );
