import ipaddr from "ipaddr.js";

/** Whether an address is a proxy named in TRUST_PROXY, whose forwarding headers are believed. */
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
    const parsed = parseAddress(address);
    if (!parsed) return false;
    return ranges.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
  };
}

/** An address as a canonical string (IPv4-mapped IPv6 as IPv4), or null when it is not one. */
export function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ipaddr.isValid(address)) return null;
  const parsed = ipaddr.parse(address);
  return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address()
    : parsed;
}
