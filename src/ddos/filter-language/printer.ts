import { assert } from "../../core/errors.js";
import { formatIpv6 } from "../../core/ip-address.js";
import { formatIpv4 } from "../packet.js";
import { PROTOCOL_NUMBERS, VALUE_FIELDS, type Ipv6Match, type RuleAst, type SetItem, type ValueField } from "./ast.js";

const PROTOCOL_NAMES = new Map(Object.entries(PROTOCOL_NUMBERS).map(([name, n]) => [n, name]));

/** Canonical text that parses back to the same AST (binary children are parenthesised). */
export function printFilter(ast: RuleAst): string {
  switch (ast.kind) {
    case "or":
    case "and":
      return `${printChild(ast.left)} ${ast.kind} ${printChild(ast.right)}`;
    case "not":
      return `not ${printChild(ast.operand)}`;
    case "flag":
      return ast.field;
    case "compare":
      return `${ast.field} ${ast.op} ${printValue(ast.field, ast.value)}`;
    case "in":
      return `${ast.field} in ${printSet(ast.field, ast.items)}`;
    case "in6":
      return printIpv6(ast);
  }
}

function printIpv6(ast: Ipv6Match): string {
  const only = ast.cidrs[0];
  if (ast.cidrs.length === 1 && only !== undefined && only.prefixBits === 128) return `${ast.field} ${ast.negated ? "!=" : "=="} ${formatIpv6(only.bytes)}`;
  // Only `!=` of one address negates: `not (… in …)` would be true on IPv4 packets.
  assert(!ast.negated, "a negated IPv6 match holds one address");
  return `${ast.field} in {${ast.cidrs.map((cidr) => `${formatIpv6(cidr.bytes)}/${cidr.prefixBits}`).join(", ")}}`;
}

function printChild(ast: RuleAst): string {
  return ast.kind === "or" || ast.kind === "and" ? `(${printFilter(ast)})` : printFilter(ast);
}

function printValue(field: ValueField, value: number): string {
  const type = VALUE_FIELDS[field].type;
  if (type === "ip") return formatIpv4(value);
  if (type === "proto") return PROTOCOL_NAMES.get(value) ?? String(value);
  return String(value);
}

function printSet(field: ValueField, items: readonly SetItem[]): string {
  const only = items[0];
  if (items.length === 1 && only?.kind === "cidr") return printItem(field, only);
  return `{${items.map((item) => printItem(field, item)).join(", ")}}`;
}

function printItem(field: ValueField, item: SetItem): string {
  return item.kind === "cidr" ? `${formatIpv4(item.base)}/${item.prefixLength}` : printValue(field, item.value);
}
