import { ConfigError } from "../contract/env.ts";

/** What a runtime gives an entry for its life cycle: signal handlers and a way to exit. */
export type Platform = {
  onSignal(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  exit(code: number): never;
};

/**
 * Starts a service and stops it cleanly, once, on Ctrl-C or SIGTERM (no orphaned sockets or
 * children); a bad environment exits 1 with the message naming the variables.
 */
export async function runEntry(
  start: () => Promise<{ stop(): Promise<void> }>,
  platform: Platform,
): Promise<void> {
  try {
    const service = await start();
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await service.stop();
      platform.exit(0);
    };
    platform.onSignal("SIGINT", stop);
    platform.onSignal("SIGTERM", stop);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    platform.exit(1);
  }
}

/** Node and Bun both offer `process`. */
export const processPlatform: Platform = {
  onSignal: (signal, handler) => void process.on(signal, handler),
  exit: (code) => process.exit(code),
};
