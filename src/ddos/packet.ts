import { EdgeError } from "../core/errors.js";
import { formatIpv4, ipv4Of, parseCidr, readIpv4, type IpBytes } from "../core/ip-address.js";

export { formatIpv4, parseIpv4 } from "../core/ip-address.js";

export type Protocol = "tcp" | "udp" | "icmp";
export const PROTOCOLS: readonly Protocol[] = ["tcp", "udp", "icmp"];

export interface TcpFlags {
  readonly syn: boolean;
  readonly ack: boolean;
  readonly fin: boolean;
  readonly rst: boolean;
  readonly psh: boolean;
}
export const TCP_FLAG_NAMES: readonly (keyof TcpFlags)[] = ["syn", "ack", "fin", "rst", "psh"];
export const NO_FLAGS: TcpFlags = { syn: false, ack: false, fin: false, rst: false, psh: false };

/** The L3/L4 header fields a scrubber looks at. IPv4 addresses are unsigned 32-bit integers. */
export interface Packet {
  readonly srcIp: number;
  readonly dstIp: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly protocol: Protocol;
  /** Only meaningful for TCP; all false otherwise. */
  readonly flags: TcpFlags;
  /** Total IP datagram length (the IPv4 Total Length field). */
  readonly sizeBytes: number;
  readonly ttl: number;
  /**
   * An IPv6 packet's addresses (16 bytes each); `srcIp` and `dstIp` are then 0 and the IPv4
   * fields `ip.src` and `ip.dst` are absent. Undefined on IPv4 packets.
   */
  readonly ipv6?: { readonly src: IpBytes; readonly dst: IpBytes };
}

/** An IPv4 network as the filter language holds it: an unsigned 32-bit base and a length. */
export interface Ipv4Prefix {
  /** Network address, already masked, as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefixLength: number;
}

/**
 * The netmask for a prefix length as an unsigned integer. JavaScript shifts count modulo 32,
 * so `-1 << 32` is -1, not 0: a /0 must be special-cased, and `>>> 0` keeps the result unsigned.
 */
export function cidrMask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (-1 << (32 - prefixLength)) >>> 0;
}

/** An IPv4 CIDR by the platform's one reading (`parseCidr`); IPv6 text is an error here. */
export function parseIpv4Prefix(text: string): Ipv4Prefix {
  const slash = text.indexOf("/");
  if (readIpv4(slash < 0 ? text : text.slice(0, slash)) < 0)
    throw new EdgeError("IP_ADDRESS_INVALID", 400, `"${text.slice(0, 64)}" is not an IPv4 address or CIDR`);
  const cidr = parseCidr(text);
  return { base: ipv4Of(cidr.bytes), prefixLength: cidr.prefixBits - 96 };
}

export function ipv4PrefixContains(prefix: Ipv4Prefix, ip: number): boolean {
  return ((ip & cidrMask(prefix.prefixLength)) >>> 0) === prefix.base;
}

export function formatIpv4Prefix(prefix: Ipv4Prefix): string {
  return `${formatIpv4(prefix.base)}/${prefix.prefixLength}`;
}

/** A packet with defaults for the fields a test or simulation does not care about. */
export function makePacket(fields: Partial<Packet> & Pick<Packet, "protocol">): Packet {
  // Field by field rather than `{ ...defaults, ...fields }`: the edge builds one packet per
  // request, and the spread was a measurable share of the simulated pipeline.
  const packet: Packet = {
    srcIp: fields.srcIp ?? 0,
    dstIp: fields.dstIp ?? 0,
    srcPort: fields.srcPort ?? 0,
    dstPort: fields.dstPort ?? 0,
    sizeBytes: fields.sizeBytes ?? 64,
    ttl: fields.ttl ?? 64,
    protocol: fields.protocol,
    flags: fields.protocol === "tcp" ? { ...NO_FLAGS, ...fields.flags } : NO_FLAGS,
  };
  return fields.ipv6 === undefined ? packet : { ...packet, ipv6: fields.ipv6 };
}
