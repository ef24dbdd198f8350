import type { Cidr } from "../../core/ip-address.js";
import type { Packet, Protocol } from "../packet.js";

export type FieldType = "ip" | "number" | "proto";

/** Fields that carry a value; a port field is absent (every comparison false) on other protocols. */
export const VALUE_FIELDS = {
  "ip.src": { type: "ip", protocol: undefined },
  "ip.dst": { type: "ip", protocol: undefined },
  "ip.len": { type: "number", protocol: undefined },
  "ip.ttl": { type: "number", protocol: undefined },
  "ip.proto": { type: "proto", protocol: undefined },
  "tcp.srcport": { type: "number", protocol: "tcp" },
  "tcp.dstport": { type: "number", protocol: "tcp" },
  "udp.srcport": { type: "number", protocol: "udp" },
  "udp.dstport": { type: "number", protocol: "udp" },
} as const satisfies Record<string, { type: FieldType; protocol: Protocol | undefined }>;
export type ValueField = keyof typeof VALUE_FIELDS;

/** Fields that are true or false on their own, like Wireshark's `tcp` or `tcp.flags.syn`. */
export const BOOL_FIELDS = ["tcp", "udp", "icmp", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.rst", "tcp.flags.psh"] as const;
export type BoolField = (typeof BOOL_FIELDS)[number];

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";
export const COMPARE_OPS: readonly CompareOp[] = ["==", "!=", "<", "<=", ">", ">="];

// IANA "Assigned Internet Protocol Numbers": ICMP 1, TCP 6, UDP 17.
export const PROTOCOL_NUMBERS: Readonly<Record<Protocol, number>> = { icmp: 1, tcp: 6, udp: 17 };

export type SetItem =
  | { readonly kind: "value"; readonly value: number }
  | { readonly kind: "cidr"; readonly base: number; readonly prefixLength: number };

/** A tree of `or`, `and` and `not` over the IPv4 leaves below and the leaves `Extra`. */
export type FilterAstOf<Extra> =
  | { readonly kind: "or" | "and"; readonly left: FilterAstOf<Extra>; readonly right: FilterAstOf<Extra> }
  | { readonly kind: "not"; readonly operand: FilterAstOf<Extra> }
  | { readonly kind: "flag"; readonly field: BoolField }
  | { readonly kind: "compare"; readonly field: ValueField; readonly op: CompareOp; readonly value: number }
  | { readonly kind: "in"; readonly field: ValueField; readonly items: readonly SetItem[] }
  | Extra;

/** The kata's language (Q4 level 5): IPv4 addresses only. */
export type FilterAst = FilterAstOf<never>;

/** IPv6 address fields, by Wireshark's names; `ip.src` and `ip.dst` are the IPv4 ones. */
export const IPV6_FIELDS = ["ipv6.src", "ipv6.dst"] as const;
export type Ipv6Field = (typeof IPV6_FIELDS)[number];

/**
 * `ipv6.src in {2001:db8::/32, …}`; `==` is `in` one /128 and `!=` is its negation. Like a port
 * on another protocol, an IPv6 field is absent on an IPv4 packet: every test on it is false.
 */
export interface Ipv6Match {
  readonly kind: "in6";
  readonly field: Ipv6Field;
  readonly negated: boolean;
  readonly cidrs: readonly Cidr[];
}

/** What the platform's scrubbers run: the kata's language plus the IPv6 address fields. */
export type RuleAst = FilterAstOf<Ipv6Match>;

/**
 * A packet's value for a field, or undefined when the field does not exist on it (a port on
 * another protocol, an IPv4 address on an IPv6 packet).
 */
export function fieldValue(packet: Packet, field: ValueField): number | undefined {
  const spec = VALUE_FIELDS[field];
  if (spec.protocol !== undefined && packet.protocol !== spec.protocol) return undefined;
  switch (field) {
    case "ip.src":
      return packet.ipv6 === undefined ? packet.srcIp >>> 0 : undefined;
    case "ip.dst":
      return packet.ipv6 === undefined ? packet.dstIp >>> 0 : undefined;
    case "ip.len":
      return packet.sizeBytes;
    case "ip.ttl":
      return packet.ttl;
    case "ip.proto":
      return PROTOCOL_NUMBERS[packet.protocol];
    case "tcp.srcport":
    case "udp.srcport":
      return packet.srcPort;
    case "tcp.dstport":
    case "udp.dstport":
      return packet.dstPort;
  }
}

export function flagValue(packet: Packet, field: BoolField): boolean {
  if (field === "tcp" || field === "udp" || field === "icmp") return packet.protocol === field;
  const flag = field.slice("tcp.flags.".length) as keyof Packet["flags"];
  return packet.protocol === "tcp" && packet.flags[flag];
}
