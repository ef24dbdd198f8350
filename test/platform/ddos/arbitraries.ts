import fc from "fast-check";
import {
  BOOL_FIELDS,
  COMPARE_OPS,
  VALUE_FIELDS,
  cidrMask,
  type FilterAst,
  type Packet,
  type SetItem,
  type ValueField,
} from "../../../src/ddos/index.js";

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
