import type { Redis, Requester, UpstashRequest } from "@upstash/redis";

/**
 * Counts the commands a Redis client sends — what Upstash pay-as-you-go bills, each command of a
 * pipeline or transaction on its own — and the bytes of their bodies (what Upstash REST carries).
 * Wraps the client's requester in place, so every command, the store's and the library's, is seen.
 */
export type CommandUsage = { commands: number; bytesSent: number };

export function countingRequester(inner: Requester, usage: CommandUsage): Requester {
  return {
    request<T>(req: UpstashRequest) {
      const batch = req.path?.[0] === "pipeline" || req.path?.[0] === "multi-exec";
      usage.commands += batch ? (req.body as unknown[]).length : 1;
      usage.bytesSent += JSON.stringify(req.body ?? "").length;
      return inner.request<T>(req);
    },
  };
}

/** Counts an @upstash/redis client's commands (its requester is a public field at run time). */
export function countCommands(redis: Redis): CommandUsage {
  const usage: CommandUsage = { commands: 0, bytesSent: 0 };
  const client = redis as unknown as { client: Requester };
  client.client = countingRequester(client.client, usage);
  return usage;
}
