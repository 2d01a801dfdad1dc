import { describe, expect, it } from "vitest";
import { parseTrustProxy } from "../contract/trust-proxy.ts";
import { clientAddress } from "./client-address.ts";

const headers = (h: Record<string, string>) => (name: string) => h[name];

describe("who the client is", () => {
  it("is the socket's address when no proxy is trusted, whatever the headers claim", () => {
    const none = parseTrustProxy("");
    const forged = headers({ "x-forwarded-for": "203.0.113.9", "cf-connecting-ip": "198.51.100.1" });
    expect(clientAddress("192.0.2.7", forged, none)).toBe("192.0.2.7");
    expect(clientAddress("::ffff:192.0.2.7", forged, none)).toBe("192.0.2.7"); // IPv4-mapped, one client
    expect(clientAddress(undefined, forged, none)).toBe("unknown");
  });

  it("behind a trusted proxy: the first hop from the right that no trusted proxy vouches for", () => {
    const trust = parseTrustProxy("loopback, 10.0.0.0/8");
    // The client wrote "1.1.1.1" itself; the proxy appended what it saw, 203.0.113.9.
    const xff = headers({ "x-forwarded-for": "1.1.1.1, 203.0.113.9, 10.0.0.5" });
    expect(clientAddress("127.0.0.1", xff, trust)).toBe("203.0.113.9");
    expect(clientAddress("127.0.0.1", headers({ "cf-connecting-ip": "198.51.100.1" }), trust)).toBe(
      "198.51.100.1",
    );
    expect(clientAddress("127.0.0.1", headers({ "x-forwarded-for": "not-an-ip" }), trust)).toBe("127.0.0.1");
    // A proxy that is not trusted cannot speak for anyone.
    expect(clientAddress("192.0.2.7", xff, trust)).toBe("192.0.2.7");
  });

  it("reads names, addresses and CIDRs, and refuses anything else by name", () => {
    const trust = parseTrustProxy("private, 2001:db8::1");
    expect(trust("172.20.1.1")).toBe(true);
    expect(trust("2001:db8::1")).toBe(true);
    expect(trust("8.8.8.8")).toBe(false);
    expect(() => parseTrustProxy("10.0.0.0/8, proxy.internal")).toThrow(/proxy.internal/);
    expect(() => parseTrustProxy("10.0.0.0/99")).toThrow(/10.0.0.0\/99/);
  });
});
