import { setFlagsFromString } from "node:v8";
import { serve } from "@hono/node-server";
import { z } from "zod";
import { parseEnv } from "../contract/env.ts";
import { processPlatform, runEntry } from "./run.ts";
import type { Serve } from "./serve.ts";

const CLOSE_GRACE_MS = 5000;

/**
 * The Node side of every entry file (imported only by the `entry/node.ts` files): serve with
 * @hono/node-server, and stop cleanly once on Ctrl-C / SIGTERM so no child or socket is orphaned.
 */
export const nodeServe: Serve = (fetch, hostname, port) =>
  new Promise((resolve) => {
    type Incoming = { incoming?: { socket?: { remoteAddress?: string } } };
    const withPeer = (req: Request, env: Incoming) => fetch(req, () => env.incoming?.socket?.remoteAddress);
    const server = serve({ fetch: withPeer, hostname, port }, (info) =>
      resolve({
        port: info.port,
        close: () =>
          new Promise((done) => {
            type Closing = { closeIdleConnections(): void; closeAllConnections(): void };
            // A request still running after the grace is cut: one stuck call must not hold a stop.
            const cut = setTimeout(
              () => (server as unknown as Closing).closeAllConnections(),
              CLOSE_GRACE_MS,
            );
            server.close(() => {
              clearTimeout(cut);
              done();
            });
            // Idle keep-alive sockets would hold close() open (and keep serving) until they time out.
            (server as unknown as Closing).closeIdleConnections();
          }),
      }),
    );
  });

export const runNodeEntry = (start: () => Promise<{ stop(): Promise<void> }>) =>
  runEntry(start, processPlatform);

export const HeapEnv = z.object({
  HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(300).default(100),
});

/**
 * For the Node processes that hold a store in memory (the sync-worker, the query side). With a heap
 * limit of 2 GB or more — Node's default on any machine with 8 GB — V8 lets the old generation grow
 * to four times what was live after the last full collection before it collects again: a
 * 100,000-shop memory store (~400 MiB live) sat at 1.7 GiB of RSS during a resync, most of it
 * batches already written. Growth is capped at (1 + HEAP_GROWTH_PERCENT / 100)× instead (default 2×;
 * 0 leaves V8's own): 1.0 GiB, and the first start and resync took no longer
 * (docs/decisions/006-heap-growth-cap.md). V8 reads the flag at each collection, so setting it at
 * start takes effect.
 */
export function boundHeapGrowth(env: Record<string, string | undefined>): number {
  const percent = parseEnv(HeapEnv, env).HEAP_GROWTH_PERCENT;
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
