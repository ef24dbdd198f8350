import { tokenize, type Token } from "./expression-lexer.js";
import {
  FIELD_TYPES,
  FUNCTION_TYPES,
  MAP_FIELDS,
  OPERATOR_ALIASES,
  type MapField,
  type CompareOp,
  type Expr,
  type Literal,
  type ValueNode,
  type ValueType,
} from "./expression-ast.js";
import { RULE_EXPRESSION_LENGTH_MAX, WafRuleSyntaxError } from "./syntax-error.js";
import { parseCidr } from "./ip-address.js";
import { checkRegexSafe } from "./regex-guard.js";

const OPS_BY_TYPE: Readonly<Record<ValueType, readonly CompareOp[]>> = {
  string: ["eq", "ne", "contains", "matches", "lt", "gt", "le", "ge"],
  number: ["eq", "ne", "lt", "gt", "le", "ge"],
  ip: ["eq", "ne"],
  bool: ["eq", "ne"],
};

/**
 * Recursive-descent parser with static typing. Precedence follows Cloudflare's Rules
 * language: `not` binds tightest, then `and`, then `xor`, then `or`.
 */
class Parser {
  readonly #tokens: Token[];
  #i = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parseAll(): Expr {
    const expr = this.#or();
    const t = this.#peek();
    if (t.kind !== "eof") throw new WafRuleSyntaxError(t.pos, `unexpected "${t.text}"`);
    return expr;
  }

  #peek(): Token {
    return this.#tokens[this.#i] as Token;
  }

  #next(): Token {
    return this.#tokens[this.#i++] as Token;
  }

  #accept(...texts: string[]): Token | null {
    const t = this.#peek();
    if ((t.kind === "punct" || t.kind === "ident") && texts.includes(t.text)) return this.#next();
    return null;
  }

  #expect(text: string): Token {
    const t = this.#peek();
    if (t.text !== text || t.kind === "string") throw new WafRuleSyntaxError(t.pos, `expected "${text}" but found "${t.text || "end of expression"}"`);
    return this.#next();
  }

  #binary(kind: "or" | "xor" | "and", ops: string[], sub: () => Expr): Expr {
    let left = sub();
    while (this.#accept(...ops)) left = { kind, left, right: sub() };
    return left;
  }

  #or(): Expr {
    return this.#binary("or", ["or", "||"], () => this.#xor());
  }

  #xor(): Expr {
    return this.#binary("xor", ["xor", "^^"], () => this.#and());
  }

  #and(): Expr {
    return this.#binary("and", ["and", "&&"], () => this.#not());
  }

  #not(): Expr {
    if (this.#accept("not", "!")) return { kind: "not", operand: this.#not() };
    if (this.#accept("(")) {
      const inner = this.#or();
      this.#expect(")");
      return inner;
    }
    return this.#comparison();
  }

  #comparison(): Expr {
    const left = this.#value();
    const t = this.#peek();
    if (t.kind === "ident" && t.text === "in") {
      this.#next();
      return { kind: "in", left, set: this.#set(left) };
    }
    const op = (t.kind === "punct" || t.kind === "ident") ? OPERATOR_ALIASES[t.text] : undefined;
    if (!op) {
      if (left.type === "bool") return { kind: "truthy", value: left };
      throw new WafRuleSyntaxError(t.pos, `expected an operator after a ${left.type} value but found "${t.text || "end of expression"}"`);
    }
    this.#next();
    if (!OPS_BY_TYPE[left.type].includes(op)) throw new WafRuleSyntaxError(t.pos, `operator "${t.text}" does not apply to ${left.type}`);
    const right = op === "matches" || op === "contains" ? this.#literalValue("string") : this.#valueOrLiteral(left.type);
    if (right.type !== left.type) throw new WafRuleSyntaxError(right.pos, `cannot compare ${left.type} with ${right.type}`);
    if (right.kind === "literal" && right.literal.kind === "ip" && right.literal.value.includes("/")) {
      throw new WafRuleSyntaxError(right.pos, `a CIDR range needs "in { … }", not "${t.text}"`);
    }
    if (op === "matches" && right.kind === "literal" && right.literal.kind === "string") {
      checkRegexSafe(right.literal.value, right.pos);
    }
    return { kind: "compare", op, left, right };
  }

  #set(left: ValueNode): Literal[] {
    const open = this.#expect("{");
    const items: Literal[] = [];
    while (!this.#accept("}")) {
      if (this.#peek().kind === "eof") throw new WafRuleSyntaxError(this.#peek().pos, `unterminated set, expected "}"`);
      items.push(this.#literal(left.type));
    }
    if (items.length === 0) throw new WafRuleSyntaxError(open.pos, "empty set");
    return items;
  }

  #literalValue(type: ValueType): ValueNode {
    const pos = this.#peek().pos;
    return { kind: "literal", literal: this.#literal(type), type, pos };
  }

  #literal(type: ValueType): Literal {
    const t = this.#next();
    if (type === "string" && t.kind === "string") return { kind: "string", value: t.value };
    if (type === "number" && t.kind === "number") return { kind: "number", value: Number(t.value) };
    if (type === "ip" && t.kind === "ip") {
      try {
        parseCidr(t.value);
      } catch {
        throw new WafRuleSyntaxError(t.pos, `"${t.value}" is not an IP address or CIDR`);
      }
      return { kind: "ip", value: t.value };
    }
    throw new WafRuleSyntaxError(t.pos, `expected a ${type} literal but found "${t.text || "end of expression"}"`);
  }

  #valueOrLiteral(type: ValueType): ValueNode {
    const t = this.#peek();
    return t.kind === "ident" ? this.#value() : this.#literalValue(type);
  }

  #value(): ValueNode {
    const t = this.#next();
    if (t.kind !== "ident") throw new WafRuleSyntaxError(t.pos, `expected a field or function but found "${t.text || "end of expression"}"`);
    if ((MAP_FIELDS as readonly string[]).includes(t.text)) {
      const map = t.text as MapField;
      this.#expect("[");
      const name = this.#next();
      if (name.kind !== "string") throw new WafRuleSyntaxError(name.pos, `expected a quoted ${map === "http.request.headers" ? "header name" : "key"}`);
      this.#expect("]");
      let index = 0;
      if (this.#accept("[")) {
        const n = this.#next();
        if (n.kind !== "number" || !/^\d{1,4}$/.test(n.text)) throw new WafRuleSyntaxError(n.pos, "expected a value index (0, 1, ...)");
        index = Number(n.text);
        this.#expect("]");
      }
      if (map === "http.request.headers" && index === 0) return { kind: "header", name: name.value.toLowerCase(), type: "string", pos: t.pos };
      return { kind: "entry", map, name: map === "http.request.headers" ? name.value.toLowerCase() : name.value, index, type: "string", pos: t.pos };
    }
    const fn = FUNCTION_TYPES[t.text];
    if (fn && this.#accept("(")) {
      const args: ValueNode[] = [];
      fn.args.forEach((type, k) => {
        if (k > 0) this.#expect(",");
        const arg = this.#valueOrLiteral(type);
        if (arg.type !== type) throw new WafRuleSyntaxError(arg.pos, `${t.text}() argument ${k + 1} must be ${type}, got ${arg.type}`);
        args.push(arg);
      });
      this.#expect(")");
      return { kind: "call", name: t.text, args, type: fn.result, pos: t.pos };
    }
    const type = FIELD_TYPES[t.text];
    if (!type) throw new WafRuleSyntaxError(t.pos, `unknown field "${t.text}"`);
    return { kind: "field", name: t.text, type, pos: t.pos };
  }
}

/** Parses and type-checks a rule expression; throws `WafRuleSyntaxError` (`WAF_RULE_SYNTAX`). */
export function parseExpression(source: string): Expr {
  if (source.length > RULE_EXPRESSION_LENGTH_MAX) {
    throw new WafRuleSyntaxError(RULE_EXPRESSION_LENGTH_MAX, `expression is ${source.length} characters; the limit is ${RULE_EXPRESSION_LENGTH_MAX}`);
  }
  return new Parser(tokenize(source)).parseAll();
}
