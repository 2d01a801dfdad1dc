import type { Context } from "hono";
import { parseAddress, type TrustProxy } from "../contract/trust-proxy.ts";

/**
 * Who the client is, for every per-client limit (console login, ingest and admin, the edge's miss
 * limit). The socket's address, unless it is a proxy named in TRUST_PROXY: then the proxy's
 * CF-Connecting-IP, else X-Forwarded-For read from the right, skipping trusted hops — the first
 * address no trusted proxy vouches for is the client (an address the client wrote itself sits to
 * the left of it and is never believed). On Workers the `peer` a runtime entry passes is the
 * platform's CF-Connecting-IP, which a client cannot set. `peer` is the socket's address (undefined
 * where unknown).
 */
export function clientAddress(
  peer: string | undefined,
  header: (name: string) => string | undefined,
  trust: TrustProxy,
): string {
  if (!peer) return "unknown";
  const socket = parseAddress(peer)?.toString() ?? peer;
  if (!trust(socket)) return socket;
  const cf = parseAddress(header("cf-connecting-ip")?.trim() ?? "");
  if (cf) return cf.toString();
  const hops = (header("x-forwarded-for") ?? "").split(",").map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseAddress(hops[i] as string);
    if (!hop) return socket; // a hop that is no address: nothing left of it can be believed
    if (!trust(hop.toString())) return hop.toString();
  }
  return socket;
}

/** The client of a Hono request: entries pass the socket's address as `env.peer` (runtime/serve.ts). */
export const clientOf = (c: Context, trust: TrustProxy): string =>
  clientAddress(
    (c.env as { peer?: () => string | undefined } | undefined)?.peer?.(),
    (n) => c.req.header(n),
    trust,
  );
