import { readFileSync } from "node:fs";
import { defineCommand } from "citty";
import { SingleBar } from "cli-progress";
import type { Job } from "../contract/index.ts";
import { CliError, call, type Target } from "./client.ts";
import { statusTable, table } from "./format.ts";

const connection = {
  url: {
    type: "string",
    description: "sync-worker URL (or SYNC_URL)",
    default: process.env.SYNC_URL ?? "http://127.0.0.1:8788",
  },
  "token-file": {
    type: "string",
    description:
      "a file holding the admin token (else ADMIN_TOKEN; a flag with the token itself would show in ps)",
  },
} as const;

/**
 * The token of a call: from `--token-file`, else the environment variable, else the development
 * default (which only a LOCAL_DEV service accepts). Never a flag's value: argv is public to `ps`.
 */
function tokenOf(args: { "token-file"?: string }, name: "ADMIN_TOKEN" | "EVENTS_TOKEN", dev: string): string {
  const file = args["token-file"];
  if (!file) return process.env[name] ?? dev;
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new CliError(`cannot read --token-file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}
const target = (
  args: { url: string; "token-file"?: string },
  name: "ADMIN_TOKEN" | "EVENTS_TOKEN" = "ADMIN_TOKEN",
): Target => ({
  url: args.url,
  token: tokenOf(args, name, name === "ADMIN_TOKEN" ? "dev-admin-token" : "dev-events-token"),
});
const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String).filter(Boolean);
const out = (v: unknown) => console.log(typeof v === "string" ? v : JSON.stringify(v, null, 2));

export const purge = defineCommand({
  meta: {
    name: "purge",
    description:
      "Remove documents: by shop id, by document key, or all (then refilled by reads, resync or catch-up)",
  },
  args: {
    ...connection,
    shop: { type: "string", description: "shop id (repeatable)" },
    key: { type: "string", description: "document key, e.g. list:gangnam:chicken (repeatable)" },
    all: { type: "boolean", description: "everything (with --yes)" },
    yes: { type: "boolean" },
  },
  async run({ args }) {
    const body = args.all
      ? { all: true }
      : list(args.key).length
        ? { keys: list(args.key) }
        : list(args.shop).length
          ? { shopIds: list(args.shop) }
          : null;
    if (!body) throw new CliError("say what to purge: --shop ID, --key KEY or --all --yes");
    if (args.all && !args.yes)
      throw new CliError("--all removes every document of this deployment; add --yes to confirm");
    out(await call(target(args), "POST", "/admin/purge", body));
  },
});

export const resync = defineCommand({
  meta: {
    name: "resync",
    description: "Rebuild documents from the origin: shop ids, --since 15m|ISO, or --all; shows progress",
  },
  args: {
    ...connection,
    ids: { type: "positional", required: false, description: "shop ids" },
    since: { type: "string" },
    all: { type: "boolean" },
    json: { type: "boolean" },
  },
  async run({ args, rawArgs }) {
    const ids = rawArgs.filter(
      (a) => !a.startsWith("-") && a !== args.since && a !== args.url && a !== args["token-file"],
    );
    const body = args.all
      ? { all: true }
      : args.since
        ? { since: args.since }
        : ids.length
          ? { shopIds: ids }
          : null;
    if (!body) throw new CliError("say what to resync: shop ids, --since 15m or --all");
    let job = await call<Job>(target(args), "POST", "/admin/resync", body);
    const bar =
      process.stderr.isTTY && !args.json
        ? new SingleBar({
            format: "resync {bar} {percentage}% | {value}/{total} shops | {rate} shops/s | ETA {eta}",
            stream: process.stderr,
          })
        : null;
    let lastLine = "";
    while (job.state === "running") {
      await new Promise((r) => setTimeout(r, 250));
      job = await call<Job>(target(args), "GET", `/admin/jobs/${job.id}`);
      if (bar && job.total !== null) {
        // The sync-worker's own pace and ETA: it knows the rate it is held to.
        const extra = { rate: job.perSec ?? "…", eta: job.etaSeconds == null ? "…" : `${job.etaSeconds}s` };
        if (!bar.isActive) bar.start(job.total, job.done, extra);
        bar.update(job.done, extra);
      } else if (!bar && job.total !== null && !args.json) {
        const pace = job.perSec ? `, ${job.perSec} shops/s, ETA ${job.etaSeconds ?? "…"} s` : "";
        const line = `resync ${job.done}/${job.total}${pace}`;
        if (line !== lastLine) console.error(line);
        lastLine = line;
      }
    }
    bar?.stop();
    if (job.state === "failed") throw new CliError(`resync failed: ${job.error}`);
    out(
      args.json
        ? job
        : `resync done: ${job.done} shops rebuilt, ${job.failed} failed${job.perSec ? `, ${job.perSec} shops/s` : ""} (job ${job.id})`,
    );
  },
});

export const dlq = defineCommand({
  meta: { name: "dlq", description: "Dead letters: list, replay" },
  subCommands: {
    list: defineCommand({
      meta: { description: "List dead letters, oldest failure first" },
      args: { ...connection, limit: { type: "string", default: "50" }, json: { type: "boolean" } },
      async run({ args }) {
        const res = await call<{
          size: number;
          entries: { id: string; reason: string; attempts: number; lastFailedAt: string }[];
        }>(target(args), "GET", `/admin/dlq?limit=${Number(args.limit)}`);
        if (args.json) return out(res);
        out(
          res.entries.length
            ? table(
                res.entries.map((e) => [e.id, `${e.attempts} attempts, last ${e.lastFailedAt}: ${e.reason}`]),
              )
            : "no dead letters",
        );
      },
    }),
    replay: defineCommand({
      meta: { description: "Queue dead letters again: ids, or --all" },
      args: { ...connection, ids: { type: "positional", required: false }, all: { type: "boolean" } },
      async run({ args, rawArgs }) {
        const ids = rawArgs.filter((a) => !a.startsWith("-") && a !== args.url && a !== args["token-file"]);
        if (!args.all && ids.length === 0) throw new CliError("say what to replay: ids or --all");
        out(await call(target(args), "POST", "/admin/dlq/replay", args.all ? { all: true } : { ids }));
      },
    }),
  },
});

export const status = defineCommand({
  meta: { name: "status", description: "Queue depth, sync lag, breaker, catch-up, dead letters, documents" },
  args: { ...connection, json: { type: "boolean" } },
  async run({ args }) {
    const s = await call<Parameters<typeof statusTable>[0]>(target(args), "GET", "/admin/status");
    out(args.json ? s : statusTable(s));
  },
});

export const events = defineCommand({
  meta: { name: "events", description: "Zero-payload events, by hand (for origin teams trying the ingest)" },
  subCommands: {
    send: defineCommand({
      meta: { description: "POST one event to /events" },
      args: {
        url: connection.url,
        "token-file": {
          type: "string",
          description: "a file holding the events token (else EVENTS_TOKEN)",
        },
        type: { type: "enum", options: ["shop", "menu", "ad", "owner"], required: true },
        id: { type: "string", required: true },
        "shop-id": { type: "string", description: "required for menu and ad events" },
      },
      async run({ args }) {
        const event = {
          type: args.type,
          id: args.id,
          ...(args["shop-id"] ? { shopId: args["shop-id"] } : {}),
          occurredAt: new Date().toISOString(),
        };
        out(
          await call(
            target(args as unknown as { url: string; "token-file"?: string }, "EVENTS_TOKEN"),
            "POST",
            "/events",
            event,
          ),
        );
      },
    }),
  },
});

export const audit = defineCommand({
  meta: {
    name: "audit",
    description: "Sample shops, compare stored documents with the origin, repair drift",
  },
  args: { ...connection, sample: { type: "string", default: "100" }, json: { type: "boolean" } },
  async run({ args }) {
    const report = await call<{
      sampled: number;
      drifted: { id: string; reason: string }[];
      repaired: number;
      failed: number;
    }>(target(args), "POST", "/admin/audit", { sample: Number(args.sample) });
    if (args.json) return out(report);
    out(
      `audit: ${report.sampled} sampled, ${report.drifted.length} drifted, ${report.repaired} repaired, ${report.failed} failed`,
    );
    for (const d of report.drifted) out(`  ${d.id}: ${d.reason}`);
  },
});
