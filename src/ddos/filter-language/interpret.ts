import { cidrContains } from "../../core/ip-address.js";
import { ipv4PrefixContains, type Packet } from "../packet.js";
import { fieldValue, flagValue, type CompareOp, type RuleAst } from "./ast.js";

/** The reference semantics: a direct walk over the tree. `compileFilter` must agree with it. */
export function interpretFilter(ast: RuleAst, packet: Packet): boolean {
  switch (ast.kind) {
    case "or":
      return interpretFilter(ast.left, packet) || interpretFilter(ast.right, packet);
    case "and":
      return interpretFilter(ast.left, packet) && interpretFilter(ast.right, packet);
    case "not":
      return !interpretFilter(ast.operand, packet);
    case "flag":
      return flagValue(packet, ast.field);
    case "compare": {
      const value = fieldValue(packet, ast.field);
      return value !== undefined && compare(value, ast.op, ast.value);
    }
    case "in": {
      const value = fieldValue(packet, ast.field);
      if (value === undefined) return false;
      return ast.items.some((item) => (item.kind === "value" ? item.value === value : ipv4PrefixContains(item, value)));
    }
    case "in6": {
      if (packet.ipv6 === undefined) return false;
      const ip = ast.field === "ipv6.src" ? packet.ipv6.src : packet.ipv6.dst;
      return ast.cidrs.some((cidr) => cidrContains(cidr, ip)) !== ast.negated;
    }
  }
}

function compare(a: number, op: CompareOp, b: number): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
}
