/**
 * A service's request handler. `peer` tells the socket's remote address, asked only where a decision
 * needs it (the edge's per-client miss limit): reading it costs on every request otherwise.
 */
export type Handler = (req: Request, peer?: () => string | undefined) => Response | Promise<Response>;

/**
 * What a runtime entry gives a service: serve a fetch handler on host:port and say how to stop.
 * Each runtime (Node, Bun, Deno) implements it in a few lines; services stay runtime-free.
 */
export type Serve = (
  fetch: Handler,
  host: string,
  port: number,
  /** SO_REUSEPORT, so several processes share the port (Bun, Deno; Node shares through node:cluster). */
  options?: { reusePort?: boolean },
) => Promise<{ port: number; close(): Promise<void> }>;
