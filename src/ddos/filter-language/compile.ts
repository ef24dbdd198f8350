import { assert } from "../../core/errors.js";
import { cidrContains, type Cidr } from "../../core/ip-address.js";
import { cidrMask, type Packet } from "../packet.js";
import { PROTOCOL_NUMBERS, VALUE_FIELDS, type Ipv6Match, type RuleAst, type SetItem, type ValueField } from "./ast.js";

export type PacketPredicate = (packet: Packet) => boolean;

const JS_OPS = { "==": "===", "!=": "!==", "<": "<", "<=": "<=", ">": ">", ">=": ">=" } as const;

const ACCESSORS: Readonly<Record<ValueField, string>> = {
  "ip.src": "(p.srcIp >>> 0)",
  "ip.dst": "(p.dstIp >>> 0)",
  "ip.len": "p.sizeBytes",
  "ip.ttl": "p.ttl",
  "ip.proto": `(p.protocol === "tcp" ? ${PROTOCOL_NUMBERS.tcp} : p.protocol === "udp" ? ${PROTOCOL_NUMBERS.udp} : ${PROTOCOL_NUMBERS.icmp})`,
  "tcp.srcport": "p.srcPort",
  "tcp.dstport": "p.dstPort",
  "udp.srcport": "p.srcPort",
  "udp.dstport": "p.dstPort",
};

// ANCHOR: compile
/**
 * Turns a parsed filter into one JavaScript function, so matching a packet costs a few
 * comparisons instead of a tree walk. The body is generated from the AST only: field names
 * come from the table above and every literal is an integer checked here, so no text typed by
 * a user ever reaches `new Function`.
 */
export function compileFilter(ast: RuleAst): PacketPredicate {
  const networks: Cidr[] = [];
  const body = `"use strict"; return (${emit(ast, networks)});`;
  if (networks.length === 0) return new Function("p", body) as PacketPredicate;
  // IPv6 networks are 16-byte arrays: the code reads them from `n` by index, never as text.
  const test = new Function("p", "n", "contains", body) as (p: Packet, n: readonly Cidr[], contains: typeof cidrContains) => boolean;
  return (p) => test(p, networks, cidrContains);
}
// ANCHOR_END: compile

/** The generated source, for the curious and for the book. */
export function filterToJavaScript(ast: RuleAst): string {
  return emit(ast, []);
}

// ANCHOR: emit
function emit(ast: RuleAst, networks: Cidr[]): string {
  switch (ast.kind) {
    case "or":
      return `(${emit(ast.left, networks)} || ${emit(ast.right, networks)})`;
    case "and":
      return `(${emit(ast.left, networks)} && ${emit(ast.right, networks)})`;
    case "not":
      return `!${emit(ast.operand, networks)}`;
    case "flag":
      if (ast.field === "tcp" || ast.field === "udp" || ast.field === "icmp") return `(p.protocol === "${ast.field}")`;
      return `(p.protocol === "tcp" && p.flags.${ast.field.slice("tcp.flags.".length)} === true)`;
    case "compare":
      return guarded(ast.field, `${ACCESSORS[ast.field]} ${JS_OPS[ast.op]} ${literal(ast.value)}`);
    case "in":
      return guarded(ast.field, ast.items.map((item) => emitItem(ACCESSORS[ast.field], item)).join(" || "));
    case "in6":
      return emitIpv6(ast, networks);
  }
}
// ANCHOR_END: emit

/**
 * Port fields exist only on their protocol, IPv4 addresses only on IPv4 packets; elsewhere
 * every test on them is false.
 */
function guarded(field: ValueField, test: string): string {
  const spec = VALUE_FIELDS[field];
  if (spec.type === "ip") return `(p.ipv6 === undefined && (${test}))`;
  return spec.protocol === undefined ? `(${test})` : `(p.protocol === "${spec.protocol}" && (${test}))`;
}

function emitIpv6(ast: Ipv6Match, networks: Cidr[]): string {
  const address = ast.field === "ipv6.src" ? "p.ipv6.src" : "p.ipv6.dst";
  const tests = ast.cidrs.map((cidr) => `contains(n[${networks.push(cidr) - 1}], ${address})`).join(" || ");
  return `(p.ipv6 !== undefined && ${ast.negated ? "!" : ""}(${tests}))`;
}

function emitItem(accessor: string, item: SetItem): string {
  if (item.kind === "value") return `${accessor} === ${literal(item.value)}`;
  return `((${accessor} & ${literal(cidrMask(item.prefixLength))}) >>> 0) === ${literal(item.base)}`;
}

function literal(value: number): string {
  assert(Number.isInteger(value) && value >= 0 && value <= 0xffffffff, `filter literal ${value} is a uint32`);
  return String(value);
}
