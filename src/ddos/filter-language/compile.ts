import { assert } from "../../core/errors.js";
import { cidrMask, type Packet } from "../packet.js";
import { PROTOCOL_NUMBERS, VALUE_FIELDS, type FilterAst, type SetItem, type ValueField } from "./ast.js";

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
export function compileFilter(ast: FilterAst): PacketPredicate {
  const body = `"use strict"; return (${emit(ast)});`;
  return new Function("p", body) as PacketPredicate;
}
// ANCHOR_END: compile

/** The generated source, for the curious and for the book. */
export function filterToJavaScript(ast: FilterAst): string {
  return emit(ast);
}

// ANCHOR: emit
function emit(ast: FilterAst): string {
  switch (ast.kind) {
    case "or":
      return `(${emit(ast.left)} || ${emit(ast.right)})`;
    case "and":
      return `(${emit(ast.left)} && ${emit(ast.right)})`;
    case "not":
      return `!${emit(ast.operand)}`;
    case "flag":
      if (ast.field === "tcp" || ast.field === "udp" || ast.field === "icmp") return `(p.protocol === "${ast.field}")`;
      return `(p.protocol === "tcp" && p.flags.${ast.field.slice("tcp.flags.".length)} === true)`;
    case "compare":
      return guarded(ast.field, `${ACCESSORS[ast.field]} ${JS_OPS[ast.op]} ${literal(ast.value)}`);
    case "in":
      return guarded(ast.field, ast.items.map((item) => emitItem(ACCESSORS[ast.field], item)).join(" || "));
  }
}
// ANCHOR_END: emit

/** Port fields exist only on their protocol; elsewhere every test on them is false. */
function guarded(field: ValueField, test: string): string {
  const protocol = VALUE_FIELDS[field].protocol;
  return protocol === undefined ? `(${test})` : `(p.protocol === "${protocol}" && (${test}))`;
}

function emitItem(accessor: string, item: SetItem): string {
  if (item.kind === "value") return `${accessor} === ${literal(item.value)}`;
  return `((${accessor} & ${literal(cidrMask(item.prefixLength))}) >>> 0) === ${literal(item.base)}`;
}

function literal(value: number): string {
  assert(Number.isInteger(value) && value >= 0 && value <= 0xffffffff, `filter literal ${value} is a uint32`);
  return String(value);
}
