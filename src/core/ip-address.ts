import ipaddr from "ipaddr.js";
import { EdgeError } from "./errors.js";

/**
 * IP addresses for every stage (L3/L4 scrubbing, the WAF's `ip.src`, the edge's client
 * address), read by one set of rules:
 * - IPv4 is a dotted quad of four decimal octets 0-255, each without a leading zero ("0" is
 *   fine, "01" is not: C's `inet_aton` reads it as octal, so two readers would disagree).
 * - IPv6 is RFC 4291 §2.2 text: up to eight groups of 1-4 hex digits, one `::`, and an optional
 *   IPv4 tail that follows the IPv4 rule. Zone ids (`fe80::1%eth0`) name an interface of one
 *   host, not an address a rule can match, so they are refused. ipaddr.js reads the groups.
 * - Either is at most `IP_TEXT_LENGTH_MAX` characters.
 * An address is held as 16 bytes: IPv4 is mapped into `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2), so
 * `10.0.0.1` and `::ffff:10.0.0.1` are the same client and one matcher serves both families.
 * The deprecated IPv4-compatible form `::a.b.c.d` (§2.5.5.1) is read as mapped, as ipaddr.js does.
 */
export type IpBytes = Uint8Array;

/** The longest IPv6 text with an IPv4 tail (INET6_ADDRSTRLEN, 46, less its NUL). */
export const IP_TEXT_LENGTH_MAX = 45;
const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
const IPV6_TEXT = /^[0-9a-fA-F:.]+$/;

/** A dotted quad as an unsigned 32-bit integer; throws `IP_ADDRESS_INVALID` when malformed. */
export function parseIpv4(text: string): number {
  const ip = readIpv4(text);
  if (ip < 0) throw invalid(text, "a dotted-quad IPv4 address (four octets 0-255, no leading zeros)");
  return ip;
}

function invalid(text: string, wanted: string): EdgeError {
  const shown = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  return new EdgeError("IP_ADDRESS_INVALID", 400, `"${shown}" is not ${wanted}`);
}

/**
 * `parseIpv4` without the throw: -1 when the text breaks the IPv4 rule. Reads characters
 * without allocating: the edge calls it once per request.
 */
export function readIpv4(text: string): number {
  if (text.length > 15) return -1;
  let acc = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      acc = acc * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return -1; // a leading zero
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  // Multiplying instead of shifting: `a << 24` would go negative for addresses >= 128.0.0.0.
  return acc * 256 + octet;
}

export function formatIpv4(ip: number): string {
  const n = ip >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Parses IPv4 or IPv6 text by the rules above; null when it breaks them. */
export function parseIp(text: string): IpBytes | null {
  if (text.length > IP_TEXT_LENGTH_MAX) return null;
  const v4 = readIpv4(text);
  if (v4 >= 0) return ipv4Bytes(v4);
  if (!text.includes(":") || !IPV6_TEXT.test(text)) return null;
  const lastColon = text.lastIndexOf(":");
  // ipaddr.js reads an IPv4 tail with leading zeros; the tail follows the one IPv4 rule.
  if (text.includes(".", lastColon) && readIpv4(text.slice(lastColon + 1)) < 0) return null;
  if (!ipaddr.IPv6.isValid(text)) return null;
  return Uint8Array.from(ipaddr.IPv6.parse(text).toByteArray());
}

/** `10.0.0.1` as the 16 bytes of `::ffff:10.0.0.1`. */
export function ipv4Bytes(ip: number): IpBytes {
  const n = ip >>> 0;
  return Uint8Array.from([...MAPPED_PREFIX, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

/** The IPv4 address of a mapped address as an unsigned integer, or -1 for a real IPv6 one. */
export function ipv4Of(ip: IpBytes): number {
  for (let i = 0; i < 12; i++) if (ip[i] !== MAPPED_PREFIX[i]) return -1;
  return (ip[12] as number) * 0x1000000 + (ip[13] as number) * 0x10000 + (ip[14] as number) * 0x100 + (ip[15] as number);
}

/** A dotted quad for a mapped address, RFC 5952 text (lower case, shortest `::`) otherwise. */
export function formatIp(ip: IpBytes): string {
  const v4 = ipv4Of(ip);
  return v4 >= 0 ? formatIpv4(v4) : formatIpv6(ip);
}

/** RFC 5952 text even for a mapped address (`::ffff:102:304`), for places that take only IPv6. */
export function formatIpv6(ip: IpBytes): string {
  return new ipaddr.IPv6([...ip]).toRFC5952String();
}

/** A network `address/prefix`; a bare address is a /32 (IPv4) or /128 (IPv6). */
export interface Cidr {
  /** The network address, masked to the prefix, over the 16-byte mapped form. */
  readonly bytes: IpBytes;
  /** Prefix length over the 128-bit mapped form: an IPv4 /24 is 120. */
  readonly prefixBits: number;
}

const PREFIX_TEXT = /^(0|[1-9][0-9]{0,2})$/;

/** Parses `address[/prefix]`; the prefix is decimal without a leading zero. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf("/");
  const address = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseIp(address);
  const isV4 = bytes !== null && readIpv4(address) >= 0;
  const maxBits = isV4 ? 32 : 128;
  const prefixText = slash < 0 ? String(maxBits) : text.slice(slash + 1);
  const bits = PREFIX_TEXT.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!bytes || !(bits >= 0 && bits <= maxBits)) throw invalid(text, "an IP address or CIDR (IPv4 prefix at most /32, IPv6 at most /128)");
  const prefixBits = isV4 ? bits + 96 : bits;
  return { bytes: masked(bytes, prefixBits), prefixBits };
}

function masked(ip: IpBytes, prefixBits: number): IpBytes {
  const out = new Uint8Array(16);
  for (let i = 0, bits = prefixBits; i < 16 && bits > 0; i++, bits -= 8)
    out[i] = (ip[i] as number) & (bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff);
  return out;
}

export function cidrContains(cidr: Cidr, ip: IpBytes): boolean {
  let bits = cidr.prefixBits;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((cidr.bytes[i] as number) & mask) !== ((ip[i] as number) & mask)) return false;
  }
  return true;
}

/** Text that `parseCidr` reads back to the same `Cidr`: IPv4 prefixes count 32 bits. */
export function formatCidr(cidr: Cidr): string {
  if (cidr.prefixBits >= 96 && ipv4Of(cidr.bytes) >= 0) return `${formatIp(cidr.bytes)}/${cidr.prefixBits - 96}`;
  return `${formatIpv6(cidr.bytes)}/${cidr.prefixBits}`;
}
