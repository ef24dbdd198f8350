import type { Expr, Literal, ValueNode } from "./expression-ast.js";
import type { FieldContext } from "./field-context.js";
import { assert } from "../core/errors.js";
import { cidrContains, parseCidr, type Cidr } from "../core/ip-address.js";
import { parseExpression } from "./expression-parser.js";
import { compileSafeRegex } from "./regex-guard.js";
import { urlDecode } from "./normalize.js";

type Value = string | number | boolean | Uint8Array | null;
type Getter = (ctx: FieldContext) => Value;

/** A parsed rule expression turned into a closure over a request's fields. */
export type CompiledExpression = (ctx: FieldContext) => boolean;

function compileValue(node: ValueNode): Getter {
  switch (node.kind) {
    case "literal": {
      const lit = node.literal;
      const v: Value = lit.kind === "ip" ? parseCidr(lit.value).bytes : lit.value;
      return () => v;
    }
    case "header":
      return (ctx) => ctx.header(node.name);
    case "entry":
      return (ctx) => ctx.entry(node.map, node.name, node.index);
    case "field":
      return node.name === "ip.src" ? (ctx) => ctx.ip() : (ctx) => ctx.field(node.name);
    case "call": {
      const args = node.args.map(compileValue);
      const a = args[0] as Getter;
      const b = args[1] as Getter;
      switch (node.name) {
        case "lower":
          return (ctx) => String(a(ctx)).toLowerCase();
        case "upper":
          return (ctx) => String(a(ctx)).toUpperCase();
        case "url_decode":
          return (ctx) => urlDecode(String(a(ctx)));
        case "len":
          return (ctx) => String(a(ctx)).length;
        case "starts_with":
          return (ctx) => String(a(ctx)).startsWith(String(b(ctx)));
        case "ends_with":
          return (ctx) => String(a(ctx)).endsWith(String(b(ctx)));
        default:
          assert(false, `function ${node.name} passed type checking, so it has an implementation here`);
      }
    }
  }
}

function sameIp(a: Value, b: Value): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return false;
  return a.every((byte, i) => byte === b[i]);
}

function compileIn(left: Getter, set: readonly Literal[]): CompiledExpression {
  if (set[0]?.kind === "ip") {
    const cidrs: Cidr[] = set.map((lit) => parseCidr(String(lit.value)));
    return (ctx) => {
      const ip = left(ctx);
      return ip instanceof Uint8Array && cidrs.some((c) => cidrContains(c, ip));
    };
  }
  const values = new Set<string | number>(set.map((lit) => lit.value));
  return (ctx) => values.has(left(ctx) as string | number);
}

function compileExpr(expr: Expr): CompiledExpression {
  switch (expr.kind) {
    case "and": {
      const [l, r] = [compileExpr(expr.left), compileExpr(expr.right)];
      return (ctx) => l(ctx) && r(ctx);
    }
    case "or": {
      const [l, r] = [compileExpr(expr.left), compileExpr(expr.right)];
      return (ctx) => l(ctx) || r(ctx);
    }
    case "xor": {
      const [l, r] = [compileExpr(expr.left), compileExpr(expr.right)];
      return (ctx) => l(ctx) !== r(ctx);
    }
    case "not": {
      const inner = compileExpr(expr.operand);
      return (ctx) => !inner(ctx);
    }
    case "truthy": {
      const v = compileValue(expr.value);
      return (ctx) => v(ctx) === true;
    }
    case "in":
      return compileIn(compileValue(expr.left), expr.set);
    case "compare": {
      const l = compileValue(expr.left);
      const r = compileValue(expr.right);
      const isIp = expr.left.type === "ip";
      switch (expr.op) {
        case "eq":
          return isIp ? (ctx) => sameIp(l(ctx), r(ctx)) : (ctx) => l(ctx) === r(ctx);
        case "ne":
          return isIp ? (ctx) => !sameIp(l(ctx), r(ctx)) : (ctx) => l(ctx) !== r(ctx);
        case "lt":
          return (ctx) => (l(ctx) as number) < (r(ctx) as number);
        case "gt":
          return (ctx) => (l(ctx) as number) > (r(ctx) as number);
        case "le":
          return (ctx) => (l(ctx) as number) <= (r(ctx) as number);
        case "ge":
          return (ctx) => (l(ctx) as number) >= (r(ctx) as number);
        case "contains":
          return (ctx) => String(l(ctx)).includes(String(r(ctx)));
        case "matches": {
          const test = compileSafeRegex(String(r({} as FieldContext)));
          return (ctx) => test(String(l(ctx)));
        }
      }
    }
  }
}

/** Parses, type-checks and compiles a Cloudflare-style rule expression. */
export function compileExpression(source: string): CompiledExpression {
  return compileExpr(parseExpression(source));
}
