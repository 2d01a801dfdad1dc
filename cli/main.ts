import { defineCommand, runCommand, runMain } from "citty";
import { CliError } from "./client.ts";
import { audit, dlq, events, purge, resync, status } from "./commands.ts";
import { relay } from "./relay.ts";
import { search } from "./search.ts";
import { origin } from "./verify/command.ts";

/** `edge-cache` — the operator's CLI over the sync-worker's admin API. */
const main = defineCommand({
  meta: { name: "edge-cache", description: "Operate an edge-cache deployment through its admin API" },
  subCommands: { purge, resync, dlq, status, events, audit, search, origin, relay },
});

process.on("unhandledRejection", (error) => fail(error));
function fail(error: unknown): never {
  console.error(`edge-cache: ${error instanceof CliError ? error.message : String(error)}`);
  process.exit(1);
}
const rawArgs = process.argv.slice(2);
// citty's runMain prints usage and help; for real work errors must stay one line, so run directly.
if (rawArgs.length === 0 || rawArgs.some((a) => a === "--help" || a === "-h")) await runMain(main);
else await runCommand(main, { rawArgs }).catch(fail);
