import { ConfigError } from "../env.ts";
import type { Serve } from "../serve.ts";

// The few Bun APIs the entry uses, declared here so the code base needs no Bun type package.
declare const Bun: {
  serve(options: { fetch: (req: Request) => Response | Promise<Response>; hostname: string; port: number }): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void> | void;
  };
};

/** The Bun side of every `entry/bun.ts`: Bun.serve, and a clean stop on Ctrl-C / SIGTERM. */
export const bunServe: Serve = async (fetch, hostname, port) => {
  const server = Bun.serve({ fetch, hostname, port });
  return { port: server.port, close: async () => void (await server.stop(true)) };
};

export async function runBunEntry(start: () => Promise<{ stop(): Promise<void> }>): Promise<void> {
  try {
    const service = await start();
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await service.stop();
      process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}
