import { serve } from "@hono/node-server";
import type { Serve } from "../serve.ts";
import { processPlatform, runEntry } from "./run.ts";

/**
 * The Node side of every entry file (imported only by the `entry/node.ts` files): serve with
 * @hono/node-server, and stop cleanly once on Ctrl-C / SIGTERM so no child or socket is orphaned.
 */
export const nodeServe: Serve = (fetch, hostname, port) =>
  new Promise((resolve) => {
    const server = serve({ fetch, hostname, port }, (info) =>
      resolve({
        port: info.port,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            // Idle keep-alive sockets would hold close() open (and keep serving) until they time out.
            (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          }),
      }),
    );
  });

export const runNodeEntry = (start: () => Promise<{ stop(): Promise<void> }>) =>
  runEntry(start, processPlatform);
