import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cidrMask, formatIpv4, ipv4PrefixContains, parseIpv4, parseIpv4Prefix } from "../../../src/ddos/index.js";

/** The slow, obviously right reference: compare the first `length` bits as strings. */
function bitsMatch(ip: number, base: number, length: number): boolean {
  const bits = (n: number): string => (n >>> 0).toString(2).padStart(32, "0");
  return bits(ip).slice(0, length) === bits(base).slice(0, length);
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });

describe("IPv4 and CIDR helpers", () => {
  it("parses and formats addresses, including those at and above 128.0.0.0", () => {
    expect(parseIpv4("0.0.0.0")).toBe(0);
    expect(parseIpv4("128.0.0.0")).toBe(0x80000000);
    expect(parseIpv4("255.255.255.255")).toBe(0xffffffff);
    expect(formatIpv4(0xffffffff)).toBe("255.255.255.255");
    expect(formatIpv4(-1)).toBe("255.255.255.255");
    fc.assert(fc.property(u32, (ip) => parseIpv4(formatIpv4(ip)) === ip));
  });

  it("rejects malformed addresses with IP_ADDRESS_INVALID", () => {
    for (const bad of ["1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "a.b.c.d", "", "1..2.3"])
      expect(() => parseIpv4(bad)).toThrow(expect.objectContaining({ code: "IP_ADDRESS_INVALID" }));
    expect(() => parseIpv4Prefix("10.0.0.0/33")).toThrow(expect.objectContaining({ code: "IP_ADDRESS_INVALID" }));
    expect(() => parseIpv4Prefix("10.0.0.0/")).toThrow(expect.objectContaining({ code: "IP_ADDRESS_INVALID" }));
    // One leading-zero rule for octets and prefixes, and IPv6 is not an IPv4 prefix.
    for (const bad of ["10.0.0.0/08", "10.0.0.010/8", "2001:db8::/32", "::ffff:10.0.0.0/104"])
      expect(() => parseIpv4Prefix(bad)).toThrow(expect.objectContaining({ code: "IP_ADDRESS_INVALID" }));
  });

  it("builds masks for /0 and /32 without the shift-by-32 trap", () => {
    expect(cidrMask(0)).toBe(0);
    expect(cidrMask(1)).toBe(0x80000000);
    expect(cidrMask(24)).toBe(0xffffff00);
    expect(cidrMask(32)).toBe(0xffffffff);
  });

  it("matches /0 for every address and /32 for exactly one", () => {
    const all = parseIpv4Prefix("0.0.0.0/0");
    const one = parseIpv4Prefix("203.0.113.7/32");
    fc.assert(
      fc.property(u32, (ip) => {
        expect(ipv4PrefixContains(all, ip)).toBe(true);
        expect(ipv4PrefixContains(one, ip)).toBe(ip === parseIpv4("203.0.113.7"));
      }),
    );
    expect(ipv4PrefixContains(parseIpv4Prefix("200.1.2.0/24"), parseIpv4("200.1.2.255"))).toBe(true);
    expect(ipv4PrefixContains(parseIpv4Prefix("200.1.2.0/24"), parseIpv4("200.1.3.0"))).toBe(false);
    expect(ipv4PrefixContains(parseIpv4Prefix("255.255.255.255/32"), 0xffffffff)).toBe(true);
    expect(ipv4PrefixContains(parseIpv4Prefix("128.0.0.0/1"), parseIpv4("127.255.255.255"))).toBe(false);
  });

  it("agrees with a bit-string reference for random addresses and prefix lengths", () => {
    fc.assert(
      fc.property(u32, u32, fc.integer({ min: 0, max: 32 }), (ip, address, length) => {
        const cidr = parseIpv4Prefix(`${formatIpv4(address)}/${length}`);
        expect(ipv4PrefixContains(cidr, ip)).toBe(bitsMatch(ip, address, length));
        expect(ipv4PrefixContains(cidr, address)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
