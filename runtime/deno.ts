import { runEntry } from "./run.ts";
import type { Serve } from "./serve.ts";

// The few Deno APIs the entry uses, declared here so the code base needs no Deno type package.
declare const Deno: {
  serve(
    options: {
      hostname: string;
      port: number;
      reusePort?: boolean;
      onListen?: (addr: { port: number }) => void;
    },
    handler: (req: Request, info: { remoteAddr: { hostname: string } }) => Response | Promise<Response>,
  ): { addr: { port: number }; shutdown(): Promise<void> };
  env: { toObject(): Record<string, string> };
  addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  exit(code: number): never;
};

export const denoEnv = (): Record<string, string> => Deno.env.toObject();

/** The Deno side of every `entry/deno.ts`: Deno.serve, and a clean stop on Ctrl-C / SIGTERM. */
export const denoServe: Serve = async (fetch, hostname, port, options = {}) => {
  const server = Deno.serve(
    { hostname, port, reusePort: options.reusePort === true, onListen: () => {} },
    (req, info) => fetch(req, () => info.remoteAddr.hostname),
  );
  return { port: server.addr.port, close: () => server.shutdown() };
};

export const runDenoEntry = (start: () => Promise<{ stop(): Promise<void> }>) =>
  runEntry(start, {
    onSignal: (signal, handler) => Deno.addSignalListener(signal, handler),
    exit: (code) => Deno.exit(code),
  });
