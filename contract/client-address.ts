import type { Context } from "hono";
import ipaddr from "ipaddr.js";

/**
 * Who the client is, for every per-client limit (console login, ingest and admin, the edge's miss
 * limit). The socket's address, unless it is a proxy named in TRUST_PROXY: then the proxy's
 * CF-Connecting-IP, else X-Forwarded-For read from the right, skipping trusted hops — the first
 * address no trusted proxy vouches for is the client (an address the client wrote itself sits to
 * the left of it and is never believed). On Workers the `peer` a runtime entry passes is the
 * platform's CF-Connecting-IP, which a client cannot set.
 */
export type TrustProxy = (address: string) => boolean;

const NAMED: Record<string, string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

/** Parses TRUST_PROXY; a wrong entry throws naming it (the env check reports it). */
export function parseTrustProxy(spec: string): TrustProxy {
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const raw of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    for (const entry of NAMED[raw] ?? [raw]) {
      const bare = !entry.includes("/") && ipaddr.isValid(entry) ? ipaddr.parse(entry) : null;
      const cidr = bare ? `${entry}/${bare.kind() === "ipv4" ? 32 : 128}` : entry;
      if (!ipaddr.isValidCIDR(cidr)) throw new Error(`not an address or CIDR: ${raw}`);
      ranges.push(ipaddr.parseCIDR(cidr));
    }
  }
  if (ranges.length === 0) return () => false;
  return (address) => {
    const parsed = parse(address);
    if (!parsed) return false;
    return ranges.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
  };
}

/** An address as a canonical string (IPv4-mapped IPv6 as IPv4), or null when it is not one. */
function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ipaddr.isValid(address)) return null;
  const parsed = ipaddr.parse(address);
  return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
}

/** The client of a request whose socket address is `peer` (undefined where unknown). */
export function clientAddress(
  peer: string | undefined,
  header: (name: string) => string | undefined,
  trust: TrustProxy,
): string {
  if (!peer) return "unknown";
  const socket = parse(peer)?.toString() ?? peer;
  if (!trust(socket)) return socket;
  const cf = parse(header("cf-connecting-ip")?.trim() ?? "");
  if (cf) return cf.toString();
  const hops = (header("x-forwarded-for") ?? "").split(",").map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parse(hops[i] as string);
    if (!hop) return socket; // a hop that is no address: nothing left of it can be believed
    if (!trust(hop.toString())) return hop.toString();
  }
  return socket;
}

/** The client of a Hono request: entries pass the socket's address as `env.peer` (contract/serve.ts). */
export const clientOf = (c: Context, trust: TrustProxy): string =>
  clientAddress(
    (c.env as { peer?: () => string | undefined } | undefined)?.peer?.(),
    (n) => c.req.header(n),
    trust,
  );
