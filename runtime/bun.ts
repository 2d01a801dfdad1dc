import { processPlatform, runEntry } from "./run.ts";
import type { Serve } from "./serve.ts";

// The few Bun APIs the entry uses, declared here so the code base needs no Bun type package.
type BunServer = { requestIP(req: Request): { address: string } | null };
declare const Bun: {
  serve(options: {
    fetch: (req: Request, server: BunServer) => Response | Promise<Response>;
    hostname: string;
    port: number;
    reusePort?: boolean;
  }): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void> | void;
  };
};

/** The Bun side of every `entry/bun.ts`: Bun.serve, and a clean stop on Ctrl-C / SIGTERM. */
export const bunServe: Serve = async (fetch, hostname, port, options = {}) => {
  const server = Bun.serve({
    fetch: (req, bun) => fetch(req, () => bun.requestIP(req)?.address),
    hostname,
    port,
    reusePort: options.reusePort === true,
  });
  return { port: server.port, close: async () => void (await server.stop(true)) };
};

export const runBunEntry = (start: () => Promise<{ stop(): Promise<void> }>) =>
  runEntry(start, processPlatform);
