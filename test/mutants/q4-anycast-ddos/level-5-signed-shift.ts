// Mutant: the masked address is compared after `>> 0` instead of `>>> 0`, so networks at or above 128.0.0.0 never match.
import {
  cidrMask,
  fieldValue,
  flagValue,
  formatIpv4,
  parseFilter,
  sizeBucket,
  TCP_FLAG_NAMES,
  type CompareOp,
  type FilterAst,
  type Packet,
  type SetItem,
  type ValueField,
} from "../../../src/ddos/index.js";

export type PacketPredicate = (packet: Packet) => boolean;

export function compileFilter(source: string): PacketPredicate {
  // The platform's recursive-descent parser already gives FilterSyntaxError with a column; the
  // compile step below turns the tree into closures once, so matching walks no tree.
  return compile(parseFilter(source));
}

function compile(ast: FilterAst): PacketPredicate {
  switch (ast.kind) {
    case "or": {
      const [l, r] = [compile(ast.left), compile(ast.right)];
      return (p) => l(p) || r(p);
    }
    case "and": {
      const [l, r] = [compile(ast.left), compile(ast.right)];
      return (p) => l(p) && r(p);
    }
    case "not": {
      const inner = compile(ast.operand);
      return (p) => !inner(p);
    }
    case "flag": {
      const field = ast.field;
      return (p) => flagValue(p, field);
    }
    case "compare": {
      const test = comparator(ast.op, ast.value);
      return field(ast.field, test);
    }
    case "in": {
      const tests = ast.items.map(itemTest);
      return field(ast.field, (v) => tests.some((t) => t(v)));
    }
  }
}

/** A port field does not exist on another protocol: every test on it is false there. */
function field(name: ValueField, test: (value: number) => boolean): PacketPredicate {
  return (p) => {
    const value = fieldValue(p, name);
    return value !== undefined && test(value);
  };
}

function comparator(op: CompareOp, b: number): (a: number) => boolean {
  switch (op) {
    case "==":
      return (a) => a === b;
    case "!=":
      return (a) => a !== b;
    case "<":
      return (a) => a < b;
    case "<=":
      return (a) => a <= b;
    case ">":
      return (a) => a > b;
    case ">=":
      return (a) => a >= b;
  }
}

function itemTest(item: SetItem): (value: number) => boolean {
  if (item.kind === "value") return (v) => v === item.value;
  // cidrMask special-cases /0 (JS shifts count mod 32, so -1 << 32 is -1, not 0), and `>>> 0`
  // keeps the masked address unsigned: `>> 0` would make 203.0.113.0 negative.
  const mask = cidrMask(item.prefixLength);
  return (v) => ((v & mask) >> 0) === item.base;
}

export function ruleFor(sample: Packet): string {
  const { low, high } = sizeBucket(sample.sizeBytes);
  const parts = [`ip.dst == ${formatIpv4(sample.dstIp)}`, `ip.proto == ${sample.protocol}`];
  if (sample.protocol !== "icmp") parts.push(`${sample.protocol}.dstport == ${sample.dstPort}`);
  // Exact flags, not just "syn": a SYN flood rule must not drop the SYN-ACKs and ACKs of real
  // connections to the same port.
  if (sample.protocol === "tcp") for (const f of TCP_FLAG_NAMES) parts.push(sample.flags[f] ? `tcp.flags.${f}` : `not tcp.flags.${f}`);
  // Half-open bucket: `< high`, or packets of the next bucket are dropped too.
  parts.push(`ip.len >= ${low}`, `ip.len < ${high}`);
  return parts.join(" and ");
}
