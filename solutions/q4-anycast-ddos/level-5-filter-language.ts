// Q4 · level 5 · A filter language for scrubbing rules
// When the detector finds a heavy hitter, the mitigation is a RULE pushed to every server of
// the PoP: `ip.dst == 198.51.100.7 and udp.dstport == 53 and ip.len >= 512 and ip.len < 1024`.
// Operators read and write these rules, so they are text; the data path matches millions of
// packets per second, so the text is parsed ONCE and compiled to a predicate.
//
// Implement
// - `compileFilter(source)`: parse the language below and return `(packet) => boolean`. A bad
//   filter throws an error whose numeric `column` (1-based) points at the culprit.
//     or := and ("or" and)* · and := not ("and" not)* · not := "not" not | primary
//     primary := "(" or ")" | flag | field op value | field "in" set
//   flags: tcp udp icmp tcp.flags.{syn,ack,fin,rst,psh}; fields: ip.src ip.dst (dotted quad),
//   ip.len ip.ttl (number), ip.proto (tcp|udp|icmp|0-255, == and != only), tcp.srcport
//   tcp.dstport udp.srcport udp.dstport (false on other protocols); op: == != < <= > >=;
//   set: a CIDR, or "{" items "," … "}" of values or CIDRs (ip fields).
//   Names are exactly these, in lower case: any other word (`constructor`, `toString`,
//   `__proto__`, `IP.SRC`, `ip.proto == TCP`) is an error, as are an address that is not a
//   dotted quad of 0-255, a prefix above /32, an empty set, and an operator or value a field
//   does not take. The column is the culprit's, or an earlier column of the same clause
//   (e.g. the field whose value is wrong), never one in another clause or after the culprit.
// - `ruleFor(sample)`: a filter that matches exactly the packets of the sample's attack shape:
//   same dst IP, protocol, dst port (not for ICMP), the exact five TCP flags (TCP only) and the
//   same power-of-two size bucket [2^k, 2^(k+1)) (sizes below 1 form the bucket [0, 1)).
// Constraints: no `eval` of user text; CIDR masks must work for /0 and for addresses ≥ 128.0.0.0.
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
} from "../../src/ddos/index.js";

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
  return (v) => ((v & mask) >>> 0) === item.base;
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
