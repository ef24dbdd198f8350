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

export type FilterAst =
  | { readonly kind: "or" | "and"; readonly left: FilterAst; readonly right: FilterAst }
  | { readonly kind: "not"; readonly operand: FilterAst }
  | { readonly kind: "flag"; readonly field: BoolField }
  | { readonly kind: "compare"; readonly field: ValueField; readonly op: CompareOp; readonly value: number }
  | { readonly kind: "in"; readonly field: ValueField; readonly items: readonly SetItem[] };

/** A packet's value for a field, or undefined when the field does not exist on it. */
export function fieldValue(packet: Packet, field: ValueField): number | undefined {
  const spec = VALUE_FIELDS[field];
  if (spec.protocol !== undefined && packet.protocol !== spec.protocol) return undefined;
  switch (field) {
    case "ip.src":
      return packet.srcIp >>> 0;
    case "ip.dst":
      return packet.dstIp >>> 0;
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
