import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  IP_TEXT_LENGTH_MAX,
  cidrContains,
  formatCidr,
  formatIp,
  formatIpv4,
  formatIpv6,
  ipv4Bytes,
  ipv4Of,
  parseCidr,
  parseIp,
  parseIpv4,
  readIpv4,
} from "../../../src/core/ip-address.js";

const bytes16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** The obviously right reference: the first `bits` bits of both, as strings of 0 and 1. */
function prefixEqual(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const str = (x: Uint8Array): string => [...x].map((byte) => byte.toString(2).padStart(8, "0")).join("");
  return str(a).slice(0, bits) === str(b).slice(0, bits);
}

/** Eight groups in full, `a:b:c:d:e:f:g:h`, written without any shortening. */
function fullIpv6(ip: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((ip[i] as number) << 8) | (ip[i + 1] as number)).toString(16));
  return groups.join(":");
}

describe("one IP module: IPv4 and IPv6 text", () => {
  it("reads dotted quads as unsigned integers, including those at and above 128.0.0.0", () => {
    expect(parseIpv4("0.0.0.0")).toBe(0);
    expect(parseIpv4("128.0.0.0")).toBe(0x80000000);
    expect(parseIpv4("255.255.255.255")).toBe(0xffffffff);
    fc.assert(fc.property(u32, (ip) => parseIpv4(formatIpv4(ip)) === ip && readIpv4(formatIpv4(ip)) === ip));
  });

  it("refuses leading zeros, short and long quads, signs and spaces, with IP_ADDRESS_INVALID", () => {
    for (const bad of ["01.2.3.4", "1.2.3.04", "00.0.0.0", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", " 1.2.3.4", "+1.2.3.4", "0x7f.0.0.1", "", "1.2.3.4 "]) {
      expect(readIpv4(bad)).toBe(-1);
      expect(parseIp(bad)).toBeNull();
      expect(() => parseIpv4(bad)).toThrow(expect.objectContaining({ code: "IP_ADDRESS_INVALID" }));
    }
  });

  it("maps IPv4 into ::ffff:0:0/96, so a client is the same address in either notation", () => {
    expect(parseIp("::ffff:1.2.3.4")).toEqual(parseIp("1.2.3.4"));
    expect(parseIp("::ffff:102:304")).toEqual(parseIp("1.2.3.4"));
    expect(parseIp("::FFFF:1.2.3.4")).toEqual(parseIp("1.2.3.4"));
    fc.assert(fc.property(u32, (ip) => ipv4Of(ipv4Bytes(ip)) === ip && ipv4Of(parseIp(`::ffff:${formatIpv4(ip)}`) as Uint8Array) === ip));
    expect(ipv4Of(parseIp("2001:db8::1.2.3.4") as Uint8Array)).toBe(-1);
  });

  it("refuses zone ids, leading zeros in an IPv4 tail, over-long text and malformed groups", () => {
    const bad = [
      "fe80::1%eth0",
      "fe80::1%1",
      "::ffff:01.2.3.4",
      "::ffff:1.2.3.256",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "2001:db8:::1",
      "00001::",
      ":1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:",
      "1:2:3:4:5:6:7:8::",
      "g::1",
      "::1 ",
      "[::1]",
      `${"0:".repeat(7)}${"0".repeat(40)}`,
      `::${"1".repeat(IP_TEXT_LENGTH_MAX)}`,
    ];
    for (const text of bad) {
      expect(parseIp(text), text).toBeNull();
      expect(() => parseCidr(text), text).toThrow(expect.objectContaining({ code: "IP_ADDRESS_INVALID" }));
    }
    // The longest real address text fits the bound.
    expect(parseIp("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")).not.toBeNull();
  });

  it("round-trips every 16-byte address through its text, shortened or written out in full", () => {
    fc.assert(
      fc.property(bytes16, (ip) => {
        expect(parseIp(formatIp(ip))).toEqual(ip);
        expect(parseIp(formatIpv6(ip))).toEqual(ip);
        expect(parseIp(fullIpv6(ip))).toEqual(ip);
        expect(formatIp(ip).length).toBeLessThanOrEqual(IP_TEXT_LENGTH_MAX);
      }),
      { numRuns: 500 },
    );
    expect(formatIp(parseIp("2001:DB8:0:0:0:0:0:1") as Uint8Array)).toBe("2001:db8::1"); // RFC 5952 §4
  });
});

describe("one IP module: CIDR", () => {
  it("contains exactly the addresses that share the prefix's bits (IPv6 and IPv4)", () => {
    fc.assert(
      fc.property(bytes16, bytes16, fc.integer({ min: 0, max: 128 }), (net, ip, bits) => {
        const cidr = parseCidr(`${formatIpv6(net)}/${bits}`);
        expect(cidrContains(cidr, ip)).toBe(prefixEqual(net, ip, bits));
        expect(cidrContains(cidr, net)).toBe(true);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(u32, u32, fc.integer({ min: 0, max: 32 }), (net, ip, bits) => {
        const cidr = parseCidr(`${formatIpv4(net)}/${bits}`);
        expect(cidr.prefixBits).toBe(bits + 96);
        expect(cidrContains(cidr, ipv4Bytes(ip))).toBe(prefixEqual(ipv4Bytes(net), ipv4Bytes(ip), bits + 96));
      }),
      { numRuns: 500 },
    );
  });

  it("keeps IPv4 networks away from IPv6 addresses, even 0.0.0.0/0", () => {
    const all4 = parseCidr("0.0.0.0/0");
    expect(cidrContains(all4, parseIp("2001:db8::1") as Uint8Array)).toBe(false);
    expect(cidrContains(all4, parseIp("::ffff:203.0.113.9") as Uint8Array)).toBe(true);
    expect(cidrContains(parseCidr("::/0"), parseIp("203.0.113.9") as Uint8Array)).toBe(true);
  });

  it("masks the network, and formats text that reads back to the same network", () => {
    expect(formatCidr(parseCidr("10.1.2.3/8"))).toBe("10.0.0.0/8");
    expect(formatCidr(parseCidr("2001:db8:ffff::1/32"))).toBe("2001:db8::/32");
    expect(formatCidr(parseCidr("::ffff:10.0.0.0/95"))).toBe("::fffe:0:0/95");
    fc.assert(
      fc.property(bytes16, fc.integer({ min: 0, max: 128 }), (net, bits) => {
        const cidr = parseCidr(`${formatIpv6(net)}/${bits}`);
        expect(parseCidr(formatCidr(cidr))).toEqual(cidr);
      }),
      { numRuns: 300 },
    );
  });

  it("reads a bare address as a host route and refuses bad prefixes", () => {
    expect(parseCidr("10.0.0.1").prefixBits).toBe(128);
    expect(parseCidr("::1").prefixBits).toBe(128);
    for (const bad of ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/08", "::/-1", "::/1e2", "10.0.0.0/8/8", "/8", "__proto__", "constructor/8", "１.２.３.４"])
      expect(() => parseCidr(bad), bad).toThrow(expect.objectContaining({ code: "IP_ADDRESS_INVALID" }));
  });
});
