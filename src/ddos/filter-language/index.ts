/**
 * A small BPF-like filter language for L3/L4 scrubbing rules, e.g.
 * `ip.src in 203.0.113.0/24 and tcp.flags.syn and not tcp.flags.ack` (IPv6 sources are
 * `ipv6.src in 2001:db8::/32`, as in Wireshark; `parseRule` reads them). Text is tokenized and
 * parsed by recursive descent into an AST; `interpretFilter` walks it, `compileFilter` turns
 * it into one generated predicate, and `printFilter` writes canonical text back.
 */
export {
  type FieldType,
  type ValueField,
  type BoolField,
  type CompareOp,
  type SetItem,
  type FilterAst,
  type FilterAstOf,
  type Ipv6Field,
  type Ipv6Match,
  type RuleAst,
  IPV6_FIELDS,
  VALUE_FIELDS,
  BOOL_FIELDS,
  COMPARE_OPS,
  PROTOCOL_NUMBERS,
  fieldValue,
  flagValue,
} from "./ast.js";
export { FilterSyntaxError, FILTER_EXCERPT_CHARS_MAX } from "./errors.js";
export { type Token, type TokenKind, tokenize } from "./tokenizer.js";
export { parseFilter, parseRule, FILTER_EXPRESSION_LENGTH_MAX, FILTER_NESTING_DEPTH_MAX } from "./parser.js";
export { printFilter } from "./printer.js";
export { interpretFilter } from "./interpret.js";
export { type PacketPredicate, compileFilter, filterToJavaScript } from "./compile.js";
