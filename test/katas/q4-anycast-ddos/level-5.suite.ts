import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import {
  BOOL_FIELDS,
  COMPARE_OPS,
  VALUE_FIELDS,
  cidrMask,
  formatIpv4,
  interpretFilter,
  makePacket,
  parseFilter,
  shapeSignature,
  sizeBucket,
  SpaceSaving,
  type FilterAst,
  type Packet,
  type SetItem,
  type ValueField,
} from "../../../src/ddos/index.js";
import { ipArb, packetArb } from "../../platform/ddos/arbitraries.js";

interface Impl {
  compileFilter(source: string): (packet: Packet) => boolean;
  ruleFor(sample: Packet): string;
}

const FIELDS = Object.keys(VALUE_FIELDS) as ValueField[];
// Prefix lengths where masks go wrong: /0 (JS shifts mod 32), /1 (the sign bit), /31, /32.
const prefixArb = fc.oneof(fc.constantFrom(0, 1, 8, 16, 24, 31, 32), fc.integer({ min: 0, max: 32 }));

function valueArb(field: ValueField): fc.Arbitrary<number> {
  const type = VALUE_FIELDS[field].type;
  if (type === "ip") return ipArb;
  if (type === "proto") return fc.constantFrom(1, 6, 17, 0, 255);
  if (field === "ip.ttl") return fc.integer({ min: 0, max: 255 });
  return fc.oneof(fc.constantFrom(0, 53, 64, 80, 443, 512, 1500, 65535), fc.integer({ min: 0, max: 65535 }));
}

function itemArb(field: ValueField): fc.Arbitrary<SetItem> {
  const value = valueArb(field).map((v): SetItem => ({ kind: "value", value: v }));
  if (VALUE_FIELDS[field].type !== "ip") return value;
  const cidr = fc.tuple(ipArb, prefixArb).map(([ip, len]): SetItem => ({ kind: "cidr", base: (ip & cidrMask(len)) >>> 0, prefixLength: len }));
  return fc.oneof(value, cidr, cidr);
}

const leafArb: fc.Arbitrary<FilterAst> = fc.oneof(
  fc.constantFrom(...BOOL_FIELDS).map((f): FilterAst => ({ kind: "flag", field: f })),
  fc.constantFrom(...FIELDS).chain((f) =>
    fc
      .tuple(VALUE_FIELDS[f].type === "proto" ? fc.constantFrom("==" as const, "!=" as const) : fc.constantFrom(...COMPARE_OPS), valueArb(f))
      .map(([op, value]): FilterAst => ({ kind: "compare", field: f, op, value })),
  ),
  fc.constantFrom("ip.src" as const, "ip.dst" as const, "tcp.dstport" as const, "udp.dstport" as const).chain((f) =>
    fc.array(itemArb(f), { minLength: 1, maxLength: 3 }).map((items): FilterAst => ({ kind: "in", field: f, items })),
  ),
);

const astArb: fc.Arbitrary<FilterAst> = fc.letrec<{ node: FilterAst }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    fc.record({ kind: fc.constantFrom("and" as const, "or" as const), left: tie("node"), right: tie("node") }),
    fc.record({ kind: fc.constantFrom("and" as const, "or" as const), left: tie("node"), right: tie("node") }),
    tie("node").map((operand): FilterAst => ({ kind: "not", operand })),
  ),
})).node;

const PRECEDENCE = { or: 1, and: 2 } as const;

/**
 * Prints with as FEW parentheses as the grammar allows (the platform's printer adds them
 * everywhere, which would hide a wrong precedence): `a or b and c` means `a or (b and c)`.
 */
export function printMinimal(ast: FilterAst): string {
  switch (ast.kind) {
    case "or":
    case "and": {
      const p = PRECEDENCE[ast.kind];
      const left = ast.left.kind === "or" || ast.left.kind === "and" ? (PRECEDENCE[ast.left.kind] < p ? `(${printMinimal(ast.left)})` : printMinimal(ast.left)) : printMinimal(ast.left);
      const right = ast.right.kind === "or" || ast.right.kind === "and" ? (PRECEDENCE[ast.right.kind] <= p ? `(${printMinimal(ast.right)})` : printMinimal(ast.right)) : printMinimal(ast.right);
      return `${left} ${ast.kind} ${right}`;
    }
    case "not":
      return ast.operand.kind === "or" || ast.operand.kind === "and" ? `not (${printMinimal(ast.operand)})` : `not ${printMinimal(ast.operand)}`;
    case "flag":
      return ast.field;
    case "compare":
      return `${ast.field} ${ast.op} ${printValue(ast.field, ast.value)}`;
    case "in":
      return `${ast.field} in {${ast.items.map((i) => (i.kind === "cidr" ? `${formatIpv4(i.base)}/${i.prefixLength}` : printValue(ast.field, i.value))).join(", ")}}`;
  }
}

function printValue(field: ValueField, value: number): string {
  return VALUE_FIELDS[field].type === "ip" ? formatIpv4(value) : String(value);
}

/** Packets that share addresses with the filter's literals, so that matches actually happen. */
function packetsFor(ast: FilterAst): fc.Arbitrary<Packet[]> {
  const literals: number[] = [];
  const walk = (a: FilterAst): void => {
    if (a.kind === "or" || a.kind === "and") [a.left, a.right].forEach(walk);
    else if (a.kind === "not") walk(a.operand);
    else if (a.kind === "in") for (const i of a.items) literals.push(i.kind === "value" ? i.value : (i.base | (~cidrMask(i.prefixLength) & 0x5a5a5a5a)) >>> 0);
    else if (a.kind === "compare") literals.push(a.value);
  };
  walk(ast);
  const near = literals.length > 0 ? fc.constantFrom(...literals) : fc.constant(0);
  const ip = fc.oneof(ipArb, near.map((v) => v >>> 0));
  return fc.array(
    fc.tuple(packetArb, ip, ip).map(([p, src, dst]) => ({ ...p, srcIp: src, dstIp: dst })),
    { minLength: 8, maxLength: 16 },
  );
}

const casesArb = astArb.chain((ast) => fc.tuple(fc.constant(ast), packetsFor(ast)));

function columnOf(error: unknown): number | undefined {
  const c = (error as { column?: unknown } | null)?.column;
  return typeof c === "number" && Number.isInteger(c) ? c : undefined;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * Clauses the grammar rejects: names that are not fields, flags or protocols (prototype
 * property names a plain-object table finds, other cases), values out of range or of the wrong
 * kind, operators a field does not take, empty and unfinished sets.
 */
const BAD_CLAUSES = [
  "constructor == 1",
  "__proto__ == 1",
  "toString",
  "hasOwnProperty",
  "valueOf == 1",
  "tcp.flags.constructor",
  "tcp.flags.__proto__",
  "IP.SRC == 1.2.3.4",
  "TCP",
  "ip.proto == constructor",
  "ip.proto == __proto__",
  "ip.proto == toString",
  "ip.proto == TCP",
  "ip.proto == 256",
  "ip.proto < 6",
  "ip.src == 1.2.3.256",
  "ip.src == 1.2.3",
  "ip.src in 1.2.3.0/33",
  "tcp.dstport in {1, 1.2.3.4}",
  "tcp.dstport in 10.0.0.0/8",
  "ip.src in {}",
  "ip.src in {1.2.3.4,}",
  "ip.len == -1",
  "tcp.flags.syn == 1",
  "ip.len =< 5",
  "ip.len ==",
];

/** An attack packet and near misses that differ from its shape in exactly one field. */
const attackArb = packetArb.chain((sample) => {
  const { low, high } = sizeBucket(sample.sizeBytes);
  const same = fc.record({ srcIp: ipArb, srcPort: fc.integer({ min: 0, max: 65535 }), ttl: fc.integer({ min: 1, max: 255 }), sizeBytes: fc.integer({ min: low, max: high - 1 }) }).map((v) => ({ ...sample, ...v }));
  const flip = fc.constantFrom("syn", "ack", "fin", "rst", "psh" as const);
  const miss = fc.oneof(
    fc.constant(makePacket({ ...sample, sizeBytes: high })),
    fc.constant(makePacket({ ...sample, sizeBytes: Math.max(0, low - 1) })),
    fc.constant({ ...sample, dstPort: (sample.dstPort + 1) % 65536 }),
    fc.constant({ ...sample, dstIp: (sample.dstIp ^ 1) >>> 0 }),
    fc.constantFrom("tcp" as const, "udp" as const, "icmp" as const).map((protocol) => makePacket({ ...sample, protocol })),
    flip.map((f) => (sample.protocol === "tcp" ? { ...sample, flags: { ...sample.flags, [f]: !sample.flags[f] } } : sample)),
    packetArb,
  );
  return fc.record({ attack: fc.array(same, { minLength: 40, maxLength: 50 }), legit: fc.array(miss, { minLength: 5, maxLength: 25 }) });
});

export const suite = defineLevel<Impl>({
  kata: "q4-anycast-ddos",
  level: 5,
  load: (m) => ({
    compileFilter: requireExport<Impl["compileFilter"]>(m, "compileFilter"),
    ruleFor: requireExport<Impl["ruleFor"]>(m, "ruleFor"),
  }),
  probe: (impl) => impl.compileFilter("tcp and ip.src in 10.0.0.0/8")(makePacket({ protocol: "tcp" })),
  properties: [
    {
      name: "the compiled predicate agrees with the reference interpreter on every packet",
      run: (impl, ctx) =>
        check(
          fc.property(casesArb, ([ast, packets]) => {
            const text = printMinimal(ast);
            const predicate = impl.compileFilter(text);
            for (const p of packets) {
              const expected = interpretFilter(ast, p);
              if (predicate(p) !== expected)
                throw new Error(`"${text}" gave ${!expected} for src ${formatIpv4(p.srcIp)} dst ${formatIpv4(p.dstIp)} ${p.protocol} (expected ${expected})`);
            }
          }),
          ctx,
          { numRuns: 250 },
        ),
    },
    {
      name: "bad filters throw an error whose column points at the culprit",
      run: (impl, ctx) =>
        check(
          fc.property(astArb, fc.nat(), fc.constantFrom("$", "#", "@", ";", "?", "&", "|", "~"), fc.nat(), (ast, at, bad, cut) => {
            const text = printMinimal(ast);
            // A stray character: no column after it may be blamed.
            const i = at % (text.length + 1);
            const strayText = `${text.slice(0, i)}${bad}${text.slice(i)}`;
            const stray = columnOf(thrown(() => impl.compileFilter(strayText)));
            if (stray === undefined || stray < 1 || stray > i + 1) throw new Error(`"${strayText}": expected an error with a column in 1..${i + 1}, got ${stray}`);
            // An unknown field after a valid prefix: blame exactly the field.
            const unknownText = `${text} and ip.bogus == 1`;
            const unknown = columnOf(thrown(() => impl.compileFilter(unknownText)));
            if (unknown !== text.length + 6) throw new Error(`"${unknownText}": expected column ${text.length + 6}, got ${unknown}`);
            // A truncated filter that no longer parses: some column within the text (or its end).
            const truncated = text.slice(0, cut % (text.length + 1));
            if (thrown(() => parseFilter(truncated)) !== undefined) {
              const c = columnOf(thrown(() => impl.compileFilter(truncated)));
              if (c === undefined || c < 1 || c > truncated.length + 1) throw new Error(`"${truncated}": expected an error with a column in 1..${truncated.length + 1}, got ${c}`);
            }
          }),
          ctx,
          { numRuns: 150 },
        ),
    },
    {
      name: "an unknown name (`constructor`, `toString`, `__proto__`, another case), a value out of range or of the wrong kind, or an operator a field does not take throws, blaming that clause at or before the culprit",
      run: (impl, ctx) =>
        check(
          fc.property(astArb, fc.constantFrom(...BAD_CLAUSES), fc.boolean(), (ast, bad, last) => {
            const text = printMinimal(ast);
            const full = last ? `${text} and ${bad}` : `${bad} or ${text}`;
            const start = last ? text.length + 6 : 1;
            // The reference parser names the culprit; blaming an earlier token of the same clause
            // (the field whose value is wrong) is fine, blaming another clause or a later token is not.
            const culprit = columnOf(thrown(() => parseFilter(full))) as number;
            const error = thrown(() => impl.compileFilter(full));
            if (error === undefined) throw new Error(`"${full}" compiled; ${JSON.stringify(bad)} is not valid`);
            const column = columnOf(error);
            if (column === undefined || column < start || column > culprit)
              throw new Error(`"${full}": expected an error with a column in ${start}..${culprit} (the clause ${JSON.stringify(bad)}), got ${column} (${String(error)})`);
          }),
          ctx,
          { numRuns: 80 },
        ),
    },
    {
      name: "ruleFor's size clause is the sample's power-of-two bucket at its edges: [0, 1), [1, 2), [2^k, 2^(k+1)) up to 65535",
      run: (impl, ctx) =>
        check(
          fc.property(packetArb, fc.constantFrom(0, 1, 2, 3, 4, 7, 8, 1023, 1024, 1500, 32767, 32768, 65535), (base, size) => {
            const sample = makePacket({ ...base, sizeBytes: size });
            const { low, high } = sizeBucket(size);
            const rule = impl.ruleFor(sample);
            const drop = impl.compileFilter(rule);
            for (const s of [low, size, high - 1]) if (!drop(makePacket({ ...sample, sizeBytes: s }))) throw new Error(`rule "${rule}" for a ${size}-byte sample lets a ${s}-byte packet of its shape through (bucket [${low}, ${high}))`);
            if (high <= 65535 && drop(makePacket({ ...sample, sizeBytes: high }))) throw new Error(`rule "${rule}" for a ${size}-byte sample drops a ${high}-byte packet (outside [${low}, ${high}))`);
            if (low > 0 && drop(makePacket({ ...sample, sizeBytes: low - 1 }))) throw new Error(`rule "${rule}" for a ${size}-byte sample drops a ${low - 1}-byte packet (outside [${low}, ${high}))`);
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
    {
      name: "a rule from the detected heavy hitter drops the whole attack and no packet of another shape",
      run: (impl, ctx) =>
        check(
          fc.property(attackArb, fc.nat(), ({ attack, legit }, seed) => {
            // Detect: the heaviest shape of the mixed stream is the attack's (≥ 40 packets, while
            // a legitimate shape has ≤ 25 plus at most N/8 of space-saving overestimate).
            const top = new SpaceSaving(8);
            const stream = [...attack, ...legit].sort((a, b) => ((a.ttl * 31 + seed) % 97) - ((b.ttl * 31 + seed) % 97));
            for (const p of stream) top.add(shapeSignature(p));
            const heavy = top.top(1)[0]?.key;
            const sample = stream.find((p) => shapeSignature(p) === heavy) as Packet;
            const rule = impl.ruleFor(sample);
            const drop = impl.compileFilter(rule);
            for (const p of attack) if (!drop(p)) throw new Error(`rule "${rule}" lets an attack packet through (${shapeSignature(p)})`);
            for (const p of legit)
              if (shapeSignature(p) !== heavy && drop(p)) throw new Error(`rule "${rule}" drops a legitimate packet of another shape: ${shapeSignature(p)}`);
          }),
          ctx,
          { numRuns: 150 },
        ),
    },
  ],
});
