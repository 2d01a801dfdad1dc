import { readFileSync } from "node:fs";
import { defineCommand } from "citty";
import { CliError } from "../client.ts";
import { verifyOrigin } from "./checks.ts";

/** `edge-cache origin verify <url>`: run the state-API contract against a team's own origin. */
const verify = defineCommand({
  meta: { name: "verify", description: "Check an origin's state API against the contract (reads only)" },
  args: {
    url: {
      type: "positional",
      description: "the origin's base URL, e.g. http://127.0.0.1:8789",
      required: true,
    },
    json: { type: "boolean", description: "print the findings as JSON" },
    "token-file": {
      type: "string",
      description: "a file holding the state API's token (else STATE_TOKEN)",
    },
    "write-probe": {
      type: "boolean",
      description: "also make one change (PATCH /shops/:id) and find it in the feed",
    },
  },
  async run({ args }) {
    const file = args["token-file"];
    const token = file ? readFileSync(file, "utf8").trim() : (process.env.STATE_TOKEN ?? null);
    const findings = await verifyOrigin(args.url, { writeProbe: args["write-probe"], token }).catch(
      (error) => {
        throw new CliError(`cannot check ${args.url}: ${(error as Error).message}. Is the origin running?`);
      },
    );
    const failed = findings.filter((f) => !f.ok && f.required);
    if (args.json) console.log(JSON.stringify({ ok: failed.length === 0, findings }, null, 2));
    else {
      for (const f of findings)
        console.log(
          `${f.ok ? "✓" : f.required ? "✗" : "!"} ${f.rule}${f.ok ? "" : ` — ${f.path ?? ""}${f.why ? `: ${f.why}` : ""}`}`,
        );
      console.log(
        failed.length ? `\n${failed.length} required rule(s) failed` : "\nevery required rule passed",
      );
    }
    if (failed.length) process.exit(1);
  },
});

export const origin = defineCommand({
  meta: { name: "origin", description: "Tools for origin teams: verify a state API (see also: relay)" },
  subCommands: { verify },
});
