import { PGlite } from "@electric-sql/pglite";

let t = Date.now();
const db = await PGlite.create();
console.log("create", Date.now() - t);
await db.exec("create table t(a bigint, b jsonb, c timestamptz default now(), d double precision)");
await db.query("insert into t(a,b,d) values ($1,$2::jsonb,$3)", [5, JSON.stringify(["x", "y"]), 4.5]);
console.log((await db.query("select * from t where b ? 'x'")).rows);
t = Date.now();
const dump = await db.dumpDataDir("none");
console.log("dump", Date.now() - t, dump.size, dump.constructor.name);
t = Date.now();
const db2 = await PGlite.create({ loadDataDir: dump });
console.log("load", Date.now() - t, (await db2.query("select count(*)::int n from t")).rows);
