// Mutant: "and" and "or" share one precedence level (left to right), so `a or b and c` is read
// as `(a or b) and c`.
import { FilterSyntaxError, interpretFilter, parseFilter, sizeBucket, tokenize, formatIpv4, TCP_FLAG_NAMES, type FilterAst, type Packet } from "../../../src/ddos/index.js";

export type PacketPredicate = (packet: Packet) => boolean;

export function compileFilter(source: string): PacketPredicate {
  const ast = parseFlat(source);
  return (p) => interpretFilter(ast, p);
}

/** Splits at top-level and/or and folds left; each operand is parsed on its own. */
function parseFlat(source: string): FilterAst {
  const tokens = tokenize(source);
  let depth = 0;
  let start = 0;
  let result: FilterAst | undefined;
  let pending: "and" | "or" | undefined;
  const push = (end: number): void => {
    const piece = source.slice(start, end);
    let operand: FilterAst;
    try {
      operand = parseFilter(piece);
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw new FilterSyntaxError("syntax error", source, start + error.column);
      throw error;
    }
    result = result === undefined || pending === undefined ? operand : { kind: pending, left: result, right: operand };
  };
  for (const t of tokens) {
    if (t.kind === "(") depth++;
    if (t.kind === ")") depth--;
    if (depth === 0 && t.kind === "ident" && (t.text === "and" || t.text === "or")) {
      push(t.column - 1);
      pending = t.text;
      start = t.column - 1 + t.text.length;
    }
  }
  push(source.length);
  return result as FilterAst;
}

export function ruleFor(sample: Packet): string {
  const { low, high } = sizeBucket(sample.sizeBytes);
  const parts = [`ip.dst == ${formatIpv4(sample.dstIp)}`, `ip.proto == ${sample.protocol}`];
  if (sample.protocol !== "icmp") parts.push(`${sample.protocol}.dstport == ${sample.dstPort}`);
  if (sample.protocol === "tcp") for (const f of TCP_FLAG_NAMES) parts.push(sample.flags[f] ? `tcp.flags.${f}` : `not tcp.flags.${f}`);
  parts.push(`ip.len >= ${low}`, `ip.len < ${high}`);
  return parts.join(" and ");
}
