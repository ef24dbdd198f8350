import fc from "fast-check";
import {
  BOOL_FIELDS,
  COMPARE_OPS,
  VALUE_FIELDS,
  cidrMask,
  IPV6_FIELDS,
  type FilterAst,
  type RuleAst,
  type Packet,
  type SetItem,
  type ValueField,
} from "../../../src/ddos/index.js";
import { formatIpv6, parseCidr, parseIp } from "../../../src/core/ip-address.js";

// Small pools so that random filters and random packets actually meet.
const IPS = [0, 0x0a000001, 0x0a0000ff, 0xcb007101, 0xcb0071fe, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
export const ipArb = fc.oneof(fc.constantFrom(...IPS), fc.integer({ min: 0, max: 0xffffffff }));
const portArb = fc.oneof(fc.constantFrom(0, 53, 80, 123, 443, 65535), fc.integer({ min: 0, max: 65535 }));
const sizeArb = fc.oneof(fc.constantFrom(40, 64, 512, 513, 1500), fc.integer({ min: 0, max: 65535 }));

export const packetArb: fc.Arbitrary<Packet> = fc
  .record({
    srcIp: ipArb,
    dstIp: ipArb,
    srcPort: portArb,
    dstPort: portArb,
    protocol: fc.constantFrom("tcp" as const, "udp" as const, "icmp" as const),
    flags: fc.record({ syn: fc.boolean(), ack: fc.boolean(), fin: fc.boolean(), rst: fc.boolean(), psh: fc.boolean() }),
    sizeBytes: sizeArb,
    ttl: fc.integer({ min: 0, max: 255 }),
  })
  .map((p) => (p.protocol === "tcp" ? p : { ...p, flags: { syn: false, ack: false, fin: false, rst: false, psh: false } }));

const FIELD_NAMES = Object.keys(VALUE_FIELDS) as ValueField[];

function valueArb(field: ValueField): fc.Arbitrary<number> {
  const type = VALUE_FIELDS[field].type;
  if (type === "ip") return ipArb;
  if (type === "proto") return fc.oneof(fc.constantFrom(1, 6, 17), fc.integer({ min: 0, max: 255 }));
  return field === "ip.len" ? sizeArb : field === "ip.ttl" ? fc.integer({ min: 0, max: 255 }) : portArb;
}

function itemArb(field: ValueField): fc.Arbitrary<SetItem> {
  const value = valueArb(field).map((v): SetItem => ({ kind: "value", value: v }));
  if (VALUE_FIELDS[field].type !== "ip") return value;
  const cidr = fc
    .tuple(ipArb, fc.integer({ min: 0, max: 32 }))
    .map(([ip, prefixLength]): SetItem => ({ kind: "cidr", base: (ip & cidrMask(prefixLength)) >>> 0, prefixLength }));
  return fc.oneof(value, cidr);
}

const leafArb: fc.Arbitrary<FilterAst> = fc.oneof(
  fc.constantFrom(...BOOL_FIELDS).map((field): FilterAst => ({ kind: "flag", field })),
  fc.constantFrom(...FIELD_NAMES).chain((field) =>
    fc
      .tuple(VALUE_FIELDS[field].type === "proto" ? fc.constantFrom("==" as const, "!=" as const) : fc.constantFrom(...COMPARE_OPS), valueArb(field))
      .map(([op, value]): FilterAst => ({ kind: "compare", field, op, value })),
  ),
  fc.constantFrom(...FIELD_NAMES).chain((field) =>
    fc.array(itemArb(field), { minLength: 1, maxLength: 4 }).map((items): FilterAst => ({ kind: "in", field, items })),
  ),
);

export const astArb: fc.Arbitrary<FilterAst> = fc.letrec<{ node: FilterAst }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    fc.record({ kind: fc.constantFrom("and" as const, "or" as const), left: tie("node"), right: tie("node") }),
    tie("node").map((operand): FilterAst => ({ kind: "not", operand })),
  ),
})).node;

// IPv6: a few networks of the documentation prefix and their neighbours, so rules and packets meet.
const IPV6_POOL = ["2001:db8::1", "2001:db8::ff", "2001:db8:0:1::1", "2001:db9::1", "::", "::1", "::ffff:10.0.0.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"].map(
  (text) => parseIp(text) as Uint8Array,
);
export const ipv6Arb: fc.Arbitrary<Uint8Array> = fc.oneof(fc.constantFrom(...IPV6_POOL), fc.uint8Array({ minLength: 16, maxLength: 16 }));

/** IPv4 packets and, as often, IPv6 ones (whose IPv4 address fields are 0 and absent). */
export const mixedPacketArb: fc.Arbitrary<Packet> = fc.oneof(
  packetArb,
  fc.tuple(packetArb, ipv6Arb, ipv6Arb).map(([p, src, dst]) => ({ ...p, srcIp: 0, dstIp: 0, ipv6: { src, dst } })),
);

const ipv6LeafArb: fc.Arbitrary<RuleAst> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...IPV6_FIELDS), fc.array(fc.tuple(ipv6Arb, fc.integer({ min: 0, max: 128 })), { minLength: 1, maxLength: 3 }))
    .map(([field, nets]): RuleAst => ({ kind: "in6", field, negated: false, cidrs: nets.map(([ip, bits]) => parseCidr(`${formatIpv6(ip)}/${bits}`)) })),
  fc
    .tuple(fc.constantFrom(...IPV6_FIELDS), fc.boolean(), ipv6Arb)
    .map(([field, negated, ip]): RuleAst => ({ kind: "in6", field, negated, cidrs: [parseCidr(formatIpv6(ip))] })),
);

/** Rules of the platform's language: the kata's trees with IPv6 leaves mixed in. */
export const ruleAstArb: fc.Arbitrary<RuleAst> = fc.letrec<{ node: RuleAst }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    ipv6LeafArb,
    fc.record({ kind: fc.constantFrom("and" as const, "or" as const), left: tie("node"), right: tie("node") }),
    tie("node").map((operand): RuleAst => ({ kind: "not", operand })),
  ),
})).node;
