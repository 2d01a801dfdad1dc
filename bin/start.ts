/**
 * `npm start`: the whole stack on one machine. Embedded default: the origin (PGlite on
 * disk, demo data on first run) and the query side (sync-worker + edge sharing memory) as two
 * processes. With STORE=redis and QUEUE=redis: origin, sync-worker and edge as three processes.
 * `--runtime bun|deno` runs the services on that runtime. Ctrl-C stops every child, then exits.
 *
 * The origin may die (or be killed, to try the product's headline promise): the query side stays up
 * and serves what it holds as STALE, and a restarted origin is picked up. A query-side exit stops all.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

type Runtime = "node" | "bun" | "deno";
const ROOT = resolve(import.meta.dirname, "..");
const runtime = (process.argv.find((a) => a.startsWith("--runtime="))?.split("=")[1] ?? "node") as Runtime;
const env = process.env;
const ports = {
  edge: env.EDGE_PORT ?? "8787",
  sync: env.SYNC_PORT ?? "8788",
  origin: env.ORIGIN_PORT ?? "8789",
};
const host = "127.0.0.1";
const url = (port: string) => `http://${host}:${port}`;

function command(entryBase: string): [string, string[]] {
  if (runtime === "bun") return [resolve(ROOT, "node_modules/.bin/bun"), [`${entryBase}/bun.ts`]];
  if (runtime === "deno")
    return [resolve(ROOT, "node_modules/.bin/deno"), ["run", "-A", `${entryBase}/deno.ts`]];
  return [process.execPath, ["--import", "tsx", `${entryBase}/node.ts`]];
}

const shared = {
  ORIGIN_URL: url(ports.origin),
  SYNC_URL: url(ports.sync),
  HOST: host,
  DENO_NO_UPDATE_CHECK: "1",
  // A dev machine: the development tokens are taken (docs/security.md). LOCAL_DEV=0 turns that off.
  LOCAL_DEV: env.LOCAL_DEV ?? "1",
};
const separate = env.STORE === "redis" && env.QUEUE === "redis";
const services: [string, string, Record<string, string>][] = [
  ["origin", "origin/entry", { PORT: ports.origin }],
  ...(separate
    ? ([
        ["sync-worker", "sync-worker/entry", { PORT: ports.sync }],
        ["edge", "edge/entry", { PORT: ports.edge }],
      ] as [string, string, Record<string, string>][])
    : ([["query", "bin/query", { EDGE_PORT: ports.edge, SYNC_PORT: ports.sync }]] as [
        string,
        string,
        Record<string, string>,
      ][])),
];

const children: ChildProcess[] = [];
let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)),
  );
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

function launch([name, entry, own]: [string, string, Record<string, string>]) {
  const [bin, args] = command(entry);
  const child = spawn(bin, args, {
    cwd: ROOT,
    env: { ...env, ...shared, ...own },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.once("exit", (code, signal) => {
    if (stopping) return;
    if (name === "origin") return void originGone(signal ?? code);
    console.error(`${name} exited (${signal ?? code}); stopping the stack`);
    void stopAll(1);
  });
  children.push(child);
  return child;
}

/** The same origin, started by hand: its port, data and relay target as this launcher set them. */
function originCommand(): string {
  const own = { PORT: ports.origin, SYNC_URL: shared.SYNC_URL };
  const differ = Object.entries({
    ...own,
    ORIGIN_DATA_DIR: env.ORIGIN_DATA_DIR,
    DATABASE_URL: masked(env.DATABASE_URL),
    LOCAL_DEV: shared.LOCAL_DEV === "1" ? "1" : undefined,
  })
    .filter(([k, v]) => v && !(k === "PORT" && v === "8789") && !(k === "SYNC_URL" && v === url("8788")))
    .map(([k, v]) => `${k}=${v} `)
    .join("");
  return `${differ}npm run origin${runtime === "node" ? "" : `:${runtime}`}`;
}

/** A password never reaches the terminal (it may be recorded); the user puts theirs back. */
function masked(dbUrl: string | undefined): string | undefined {
  if (!dbUrl) return dbUrl;
  const u = new URL(dbUrl);
  if (u.password) u.password = "PASSWORD";
  return `'${u}'`;
}

async function originGone(how: string | number | null) {
  console.error(
    `\norigin exited (${how}). The query side stays up: the edge serves stored documents as STALE ` +
      `(X-Cache: STALE) and answers 503 for what it does not hold. Start the origin again with:\n  ${originCommand()}\n`,
  );
  // Say when it is back, so the console's breaker and the relay's catch-up have a cause to point to.
  while (!stopping && !(await up(url(ports.origin)))) await new Promise((r) => setTimeout(r, 1000));
  if (!stopping)
    console.error(`origin is back at ${url(ports.origin)}: its relay delivers what was committed meanwhile`);
}

const up = (target: string) =>
  fetch(`${target}/healthz`).then(
    (r) => r.ok,
    () => false,
  );

async function ready(target: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await up(target)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

// The origin first: the query side's first catch-up then finds it up instead of retrying later.
const origin = launch(services[0] as (typeof services)[number]);
const originUp = await ready(url(ports.origin));
for (const service of services.slice(1)) launch(service);
if (originUp && (await ready(url(ports.sync))) && (await ready(url(ports.edge)))) {
  console.log(`
edge-cache is up (${runtime}, ${separate ? "Redis store and queue, three processes" : "embedded: memory store and queue"})
  edge (read API)   ${url(ports.edge)}
  sync-worker       ${url(ports.sync)}   (admin token: ${env.ADMIN_TOKEN ? "from ADMIN_TOKEN" : "dev-admin-token"})
  origin            ${url(ports.origin)}   (pid ${origin.pid}: kill it to try an outage: docs/deployment.md)

Try:
  curl -s '${url(ports.edge)}/v1/main?region=gangnam'
  curl -s '${url(ports.edge)}/v1/shops?region=gangnam&category=chicken&limit=5'
  curl -si ${url(ports.edge)}/v1/shops/s_demo_000001
  curl -s -X PATCH ${url(ports.origin)}/shops/s_demo_000001 -H 'content-type: application/json' -d '{"name":"새 이름"}'
  curl -s -H 'authorization: Bearer dev-admin-token' ${url(ports.sync)}/admin/status

Ctrl-C stops everything.
`);
}
