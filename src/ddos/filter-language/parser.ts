import type { Cidr } from "../../core/ip-address.js";
import {
  BOOL_FIELDS,
  IPV6_FIELDS,
  PROTOCOL_NUMBERS,
  VALUE_FIELDS,
  type BoolField,
  type CompareOp,
  type FieldType,
  type FilterAst,
  type Ipv6Field,
  type RuleAst,
  type SetItem,
  type ValueField,
} from "./ast.js";
import { fact } from "../../facts/index.js";
import { FilterSyntaxError } from "./errors.js";
import { tokenize, type Token } from "./tokenizer.js";

// Cloudflare Rules language: an expression may be at most 4,096 characters long (facts registry).
export const FILTER_EXPRESSION_LENGTH_MAX = fact("rules.expressionCharsMax").value;
// Bounds recursion so a hostile "((((…" is a syntax error rather than a stack overflow.
export const FILTER_NESTING_DEPTH_MAX = 64;

/**
 * Recursive descent over this grammar (not binds tighter than and, and tighter than or;
 * and/or associate to the left, so the printer can parenthesise without ambiguity):
 *
 *   or      := and ("or" and)*
 *   and     := not ("and" not)*
 *   not     := "not" not | primary
 *   primary := "(" or ")" | boolField | valueField op value | valueField "in" set
 *   set     := "{" item ("," item)* "}" | cidr          item := value | cidr
 *   op      := "==" | "!=" | "<" | "<=" | ">" | ">="
 */
export function parseFilter(source: string): FilterAst {
  // Without IPv6 fields the parser builds no "in6" node, so the tree is a FilterAst.
  return parse(source, false) as FilterAst;
}

/**
 * `parseFilter` plus the IPv6 address fields the platform's scrubbers match:
 *   primary := … | ipv6Field ("==" | "!=") ipv6 | ipv6Field "in" ("{" ipv6 ("," ipv6)* "}" | ipv6)
 * where ipv6 is an address or network (`2001:db8::/32`) by the platform's one IP reading.
 */
export function parseRule(source: string): RuleAst {
  return parse(source, true);
}

function parse(source: string, ipv6: boolean): RuleAst {
  if (source.length > FILTER_EXPRESSION_LENGTH_MAX)
    throw new FilterSyntaxError(
      `filter is ${source.length} characters; the limit is ${FILTER_EXPRESSION_LENGTH_MAX}`,
      source,
      FILTER_EXPRESSION_LENGTH_MAX + 1,
    );
  return new Parser(source, ipv6).parseAll();
}

class Parser {
  readonly #source: string;
  readonly #tokens: Token[];
  readonly #ipv6: boolean;
  #at = 0;
  #depth = 0;

  constructor(source: string, ipv6: boolean) {
    this.#source = source;
    this.#tokens = tokenize(source);
    this.#ipv6 = ipv6;
  }

  parseAll(): RuleAst {
    const ast = this.#or();
    const rest = this.#peek();
    if (rest.kind !== "eof") this.#fail(`expected "and", "or" or end of input, found "${rest.text}"`, rest);
    return ast;
  }

  #or(): RuleAst {
    let left = this.#and();
    while (this.#isKeyword("or")) {
      this.#at++;
      left = { kind: "or", left, right: this.#and() };
    }
    return left;
  }

  #and(): RuleAst {
    let left = this.#not();
    while (this.#isKeyword("and")) {
      this.#at++;
      left = { kind: "and", left, right: this.#not() };
    }
    return left;
  }

  #not(): RuleAst {
    if (!this.#isKeyword("not")) return this.#primary();
    const token = this.#take();
    this.#enter(token);
    const operand = this.#not();
    this.#depth--;
    return { kind: "not", operand };
  }

  #primary(): RuleAst {
    const token = this.#take();
    if (token.kind === "(") {
      this.#enter(token);
      const inner = this.#or();
      const close = this.#take();
      if (close.kind !== ")") this.#fail(`expected ")", found "${close.text}"`, close);
      this.#depth--;
      return inner;
    }
    if (token.kind !== "ident") this.#fail(`expected a field, "not" or "(", found "${token.text}"`, token);
    if ((BOOL_FIELDS as readonly string[]).includes(token.text)) {
      const next = this.#peek();
      if (next.kind === "op" || this.#isKeyword("in")) this.#fail(`"${token.text}" is true or false; it takes no operator`, next);
      return { kind: "flag", field: token.text as BoolField };
    }
    if (this.#ipv6 && (IPV6_FIELDS as readonly string[]).includes(token.text)) return this.#ipv6Match(token.text as Ipv6Field);
    if (!Object.hasOwn(VALUE_FIELDS, token.text)) this.#fail(`unknown field "${token.text}"`, token);
    const field = token.text as ValueField;
    const type = VALUE_FIELDS[field].type;
    if (this.#isKeyword("in")) {
      this.#at++;
      return { kind: "in", field, items: this.#set(type) };
    }
    const op = this.#take();
    if (op.kind !== "op") this.#fail(`expected a comparison or "in" after "${field}", found "${op.text}"`, op);
    if (type === "proto" && op.text !== "==" && op.text !== "!=") this.#fail(`only == and != apply to ${field}`, op);
    const value = this.#value(type);
    return { kind: "compare", field, op: op.text as CompareOp, value: value };
  }

  #ipv6Match(field: Ipv6Field): RuleAst {
    if (this.#isKeyword("in")) {
      this.#at++;
      if (this.#peek().kind === "ip6") return { kind: "in6", field, negated: false, cidrs: [this.#ipv6Value()] };
      const open = this.#take();
      if (open.kind !== "{") this.#fail(`expected "{" or an IPv6 network after "in", found "${open.text}"`, open);
      const cidrs = [this.#ipv6Value()];
      while (this.#peek().kind === ",") {
        this.#at++;
        cidrs.push(this.#ipv6Value());
      }
      const close = this.#take();
      if (close.kind !== "}") this.#fail(`expected "," or "}", found "${close.text}"`, close);
      return { kind: "in6", field, negated: false, cidrs };
    }
    const op = this.#take();
    if (op.kind !== "op" || (op.text !== "==" && op.text !== "!=")) this.#fail(`expected ==, != or "in" after "${field}", found "${op.text}"`, op);
    const value = this.#peek();
    const cidr = this.#ipv6Value();
    if (cidr.prefixBits !== 128) this.#fail(`${field} ${op.text} takes one address; use "in" for a network`, value);
    return { kind: "in6", field, negated: op.text === "!=", cidrs: [cidr] };
  }

  #ipv6Value(): Cidr {
    const token = this.#take();
    if (token.kind !== "ip6" || token.cidr6 === undefined) return this.#fail(`expected an IPv6 address, found "${token.text}"`, token);
    return token.cidr6;
  }

  #set(type: FieldType): SetItem[] {
    const first = this.#peek();
    if (type === "ip" && (first.kind === "cidr" || first.kind === "ip")) return [this.#setItem(type)];
    if (first.kind !== "{") this.#fail(`expected "{" or a CIDR after "in", found "${first.text}"`, first);
    this.#at++;
    const items = [this.#setItem(type)];
    while (this.#peek().kind === ",") {
      this.#at++;
      items.push(this.#setItem(type));
    }
    const close = this.#take();
    if (close.kind !== "}") this.#fail(`expected "," or "}", found "${close.text}"`, close);
    return items;
  }

  #setItem(type: FieldType): SetItem {
    const token = this.#peek();
    if (type === "ip" && token.kind === "cidr") {
      this.#at++;
      return { kind: "cidr", base: token.value as number, prefixLength: token.prefixLength as number };
    }
    return { kind: "value", value: this.#value(type) };
  }

  #value(type: FieldType): number {
    const token = this.#take();
    if (type === "ip" && token.kind === "ip") return token.value as number;
    if (type === "number" && token.kind === "number") return token.value as number;
    if (type === "proto" && token.kind === "number" && (token.value as number) <= 255) return token.value as number;
    if (type === "proto" && token.kind === "ident" && Object.hasOwn(PROTOCOL_NUMBERS, token.text))
      return PROTOCOL_NUMBERS[token.text as keyof typeof PROTOCOL_NUMBERS];
    const wanted = { ip: "an IPv4 address", number: "a number", proto: "tcp, udp, icmp or 0-255" }[type];
    return this.#fail(`expected ${wanted}, found "${token.text}"`, token);
  }

  #enter(token: Token): void {
    if (++this.#depth > FILTER_NESTING_DEPTH_MAX) this.#fail(`nesting deeper than ${FILTER_NESTING_DEPTH_MAX}`, token);
  }

  #isKeyword(word: string): boolean {
    const token = this.#peek();
    return token.kind === "ident" && token.text === word;
  }

  #peek(): Token {
    return this.#tokens[this.#at] as Token;
  }

  #take(): Token {
    const token = this.#peek();
    if (token.kind !== "eof") this.#at++;
    return token;
  }

  #fail(reason: string, token: Token): never {
    throw new FilterSyntaxError(reason, this.#source, token.column);
  }
}

