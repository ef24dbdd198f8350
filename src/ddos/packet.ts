import { EdgeError } from "../core/errors.js";

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

/** The L3/L4 header fields a scrubber looks at. Addresses are unsigned 32-bit integers. */
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
}

export function parseIpv4(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255))
    throw new EdgeError("DDOS_BAD_IPV4", 400, `"${text}" is not a dotted-quad IPv4 address (four octets 0-255)`);
  // Multiplying instead of shifting: `a << 24` would go negative for addresses >= 128.0.0.0.
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(ip: number): string {
  const n = ip >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export interface Cidr {
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

export function parseCidr(text: string): Cidr {
  const slash = text.indexOf("/");
  const address = parseIpv4(slash < 0 ? text : text.slice(0, slash));
  const lengthText = slash < 0 ? "32" : text.slice(slash + 1);
  const prefixLength = Number(lengthText);
  if (!/^[0-9]{1,2}$/.test(lengthText) || prefixLength > 32)
    throw new EdgeError("DDOS_BAD_CIDR", 400, `"${text}" has prefix length "${lengthText}"; it must be 0-32`);
  return { base: (address & cidrMask(prefixLength)) >>> 0, prefixLength };
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
  return ((ip & cidrMask(cidr.prefixLength)) >>> 0) === cidr.base;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefixLength}`;
}

/** A packet with defaults for the fields a test or simulation does not care about. */
export function makePacket(fields: Partial<Packet> & Pick<Packet, "protocol">): Packet {
  // Field by field rather than `{ ...defaults, ...fields }`: the edge builds one packet per
  // request, and the spread was a measurable share of the simulated pipeline.
  return {
    srcIp: fields.srcIp ?? 0,
    dstIp: fields.dstIp ?? 0,
    srcPort: fields.srcPort ?? 0,
    dstPort: fields.dstPort ?? 0,
    sizeBytes: fields.sizeBytes ?? 64,
    ttl: fields.ttl ?? 64,
    protocol: fields.protocol,
    flags: fields.protocol === "tcp" ? { ...NO_FLAGS, ...fields.flags } : NO_FLAGS,
  };
}
