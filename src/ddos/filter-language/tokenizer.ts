import { EdgeError } from "../../core/errors.js";
import { parseCidr, type Cidr } from "../../core/ip-address.js";
import { parseIpv4, parseIpv4Prefix } from "../packet.js";
import { FilterSyntaxError } from "./errors.js";

export type TokenKind = "ident" | "number" | "ip" | "cidr" | "ip6" | "op" | "(" | ")" | "{" | "}" | "," | "eof";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 1-based column of the first character. */
  readonly column: number;
  /** Numeric value for number and ip tokens; network address for cidr tokens. */
  readonly value?: number;
  readonly prefixLength?: number;
  /** An IPv6 address (a /128) or network, for ip6 tokens. */
  readonly cidr6?: Cidr;
}

const OPERATORS = ["==", "!=", "<=", ">=", "<", ">"];
const PUNCTUATION = new Set(["(", ")", "{", "}", ","]);
// A run of hex digits, dots and colons with at least one colon: IPv6 text, maybe a network.
const IPV6_RUN = /^[0-9a-f.]*:[0-9a-f:.]*(\/[0-9]*)?/i;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
    } else if (PUNCTUATION.has(ch)) {
      tokens.push({ kind: ch as TokenKind, text: ch, column });
      i++;
    } else if (/[0-9a-f:]/i.test(ch) && IPV6_RUN.test(source.slice(i, i + 64))) {
      const text = IPV6_RUN.exec(source.slice(i))?.[0] as string;
      tokens.push(ipv6Token(text, source, column));
      i += text.length;
    } else if (/[a-z_]/i.test(ch)) {
      const text = /^[a-z_][a-z0-9_.]*/i.exec(source.slice(i))?.[0] as string;
      tokens.push({ kind: "ident", text, column });
      i += text.length;
    } else if (/[0-9]/.test(ch)) {
      const text = /^[0-9.]+(\/[0-9]*)?/.exec(source.slice(i))?.[0] as string;
      tokens.push(numericToken(text, source, column));
      i += text.length;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (!op) throw new FilterSyntaxError(`unexpected character "${ch}"`, source, column);
      tokens.push({ kind: "op", text: op, column });
      i += op.length;
    }
  }
  tokens.push({ kind: "eof", text: "end of input", column: source.length + 1 });
  return tokens;
}

function numericToken(text: string, source: string, column: number): Token {
  try {
    if (text.includes("/")) {
      const cidr = parseIpv4Prefix(text);
      return { kind: "cidr", text, column, value: cidr.base, prefixLength: cidr.prefixLength };
    }
    if (text.includes(".")) return { kind: "ip", text, column, value: parseIpv4(text) };
  } catch (error) {
    if (error instanceof EdgeError) throw new FilterSyntaxError(`invalid address "${text}"`, source, column);
    throw error;
  }
  const value = Number(text);
  if (!/^(0|[1-9][0-9]*)$/.test(text) || value > 0xffffffff)
    throw new FilterSyntaxError(`invalid number "${text}" (decimal 0-4294967295)`, source, column);
  return { kind: "number", text, column, value };
}

function ipv6Token(text: string, source: string, column: number): Token {
  try {
    return { kind: "ip6", text, column, cidr6: parseCidr(text) };
  } catch (error) {
    if (error instanceof EdgeError) throw new FilterSyntaxError(`invalid IPv6 address "${text.slice(0, 64)}"`, source, column);
    throw error;
  }
}
