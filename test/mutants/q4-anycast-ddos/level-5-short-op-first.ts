// Mutant: tries the one-character operators before the two-character ones in the tokenizer, so `ip.len <= 512` becomes `<` followed by a stray `=`, and a valid filter throws. (blind)
import type { Packet, Protocol } from "../../../src/ddos/index.js";

export type PacketPredicate = (packet: Packet) => boolean;

const SOURCE_LENGTH_MAX = 4096;
const NESTING_MAX = 64;

class FilterError extends Error {
  constructor(
    reason: string,
    readonly column: number,
  ) {
    super(`${reason} at column ${column}`);
    this.name = "FilterError";
  }
}

type TokKind = "ident" | "number" | "ip" | "cidr" | "op" | "(" | ")" | "{" | "}" | "," | "eof";
interface Tok {
  readonly kind: TokKind;
  readonly text: string;
  readonly column: number;
  readonly value?: number;
  readonly prefixLength?: number;
}

const OPS = ["==", "!=", "<", ">", "<=", ">="];
const PUNCT = "(){},";

function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (-1 << (32 - prefixLength)) >>> 0;
}

function inCidr(ip: number, base: number, prefixLength: number): boolean {
  return ((ip & maskOf(prefixLength)) >>> 0) === base;
}

function parseDottedQuad(text: string, column: number): number {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255))
    throw new FilterError(`invalid address "${text}"`, column);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function tokenize(source: string): Tok[] {
  const tokens: Tok[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
    } else if (PUNCT.includes(ch)) {
      tokens.push({ kind: ch as TokKind, text: ch, column });
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      const text = (/^[A-Za-z_][A-Za-z0-9_.]*/.exec(source.slice(i)) as RegExpExecArray)[0];
      tokens.push({ kind: "ident", text, column });
      i += text.length;
    } else if (/[0-9]/.test(ch)) {
      const text = (/^[0-9.]+(\/[0-9]*)?/.exec(source.slice(i)) as RegExpExecArray)[0];
      tokens.push(numeric(text, column));
      i += text.length;
    } else {
      const op = OPS.find((o) => source.startsWith(o, i));
      if (op === undefined) throw new FilterError(`unexpected character "${ch}"`, column);
      tokens.push({ kind: "op", text: op, column });
      i += op.length;
    }
  }
  tokens.push({ kind: "eof", text: "end of input", column: source.length + 1 });
  return tokens;
}

function numeric(text: string, column: number): Tok {
  const slash = text.indexOf("/");
  if (slash >= 0) {
    const lengthText = text.slice(slash + 1);
    if (!/^[0-9]{1,2}$/.test(lengthText) || Number(lengthText) > 32) throw new FilterError(`invalid prefix length in "${text}"`, column);
    const prefixLength = Number(lengthText);
    const address = parseDottedQuad(text.slice(0, slash), column);
    return { kind: "cidr", text, column, value: (address & maskOf(prefixLength)) >>> 0, prefixLength };
  }
  if (text.includes(".")) return { kind: "ip", text, column, value: parseDottedQuad(text, column) };
  if (!/^(0|[1-9][0-9]*)$/.test(text) || Number(text) > 0xffffffff) throw new FilterError(`invalid number "${text}"`, column);
  return { kind: "number", text, column, value: Number(text) };
}

type FieldType = "ip" | "number" | "proto";
interface FieldSpec {
  readonly type: FieldType;
  readonly get: (p: Packet) => number | undefined;
}

const PROTO_NUMBER = new Map<string, number>([
  ["icmp", 1],
  ["tcp", 6],
  ["udp", 17],
]);

const onlyOn =
  (protocol: Protocol, get: (p: Packet) => number) =>
  (p: Packet): number | undefined =>
    p.protocol === protocol ? get(p) : undefined;

const FIELDS = new Map<string, FieldSpec>([
  ["ip.src", { type: "ip", get: (p) => p.srcIp >>> 0 }],
  ["ip.dst", { type: "ip", get: (p) => p.dstIp >>> 0 }],
  ["ip.len", { type: "number", get: (p) => p.sizeBytes }],
  ["ip.ttl", { type: "number", get: (p) => p.ttl }],
  ["ip.proto", { type: "proto", get: (p) => PROTO_NUMBER.get(p.protocol) }],
  ["tcp.srcport", { type: "number", get: onlyOn("tcp", (p) => p.srcPort) }],
  ["tcp.dstport", { type: "number", get: onlyOn("tcp", (p) => p.dstPort) }],
  ["udp.srcport", { type: "number", get: onlyOn("udp", (p) => p.srcPort) }],
  ["udp.dstport", { type: "number", get: onlyOn("udp", (p) => p.dstPort) }],
]);

const FLAGS = new Map<string, PacketPredicate>([
  ["tcp", (p) => p.protocol === "tcp"],
  ["udp", (p) => p.protocol === "udp"],
  ["icmp", (p) => p.protocol === "icmp"],
  ["tcp.flags.syn", (p) => p.protocol === "tcp" && p.flags.syn],
  ["tcp.flags.ack", (p) => p.protocol === "tcp" && p.flags.ack],
  ["tcp.flags.fin", (p) => p.protocol === "tcp" && p.flags.fin],
  ["tcp.flags.rst", (p) => p.protocol === "tcp" && p.flags.rst],
  ["tcp.flags.psh", (p) => p.protocol === "tcp" && p.flags.psh],
]);

function comparator(op: string, v: number): (x: number) => boolean {
  switch (op) {
    case "==":
      return (x) => x === v;
    case "!=":
      return (x) => x !== v;
    case "<":
      return (x) => x < v;
    case "<=":
      return (x) => x <= v;
    case ">":
      return (x) => x > v;
    default:
      return (x) => x >= v;
  }
}

class Parser {
  #at = 0;
  #depth = 0;

  constructor(readonly tokens: readonly Tok[]) {}

  parseAll(): PacketPredicate {
    const predicate = this.or();
    const rest = this.peek();
    if (rest.kind !== "eof") this.fail(`expected "and", "or" or end of input, found "${rest.text}"`, rest);
    return predicate;
  }

  or(): PacketPredicate {
    let left = this.and();
    while (this.isWord("or")) {
      this.#at++;
      const l = left;
      const r = this.and();
      left = (p) => l(p) || r(p);
    }
    return left;
  }

  and(): PacketPredicate {
    let left = this.not();
    while (this.isWord("and")) {
      this.#at++;
      const l = left;
      const r = this.not();
      left = (p) => l(p) && r(p);
    }
    return left;
  }

  not(): PacketPredicate {
    if (!this.isWord("not")) return this.primary();
    this.enter(this.take());
    const inner = this.not();
    this.#depth--;
    return (p) => !inner(p);
  }

  primary(): PacketPredicate {
    const token = this.take();
    if (token.kind === "(") {
      this.enter(token);
      const inner = this.or();
      const close = this.take();
      if (close.kind !== ")") this.fail(`expected ")", found "${close.text}"`, close);
      this.#depth--;
      return inner;
    }
    if (token.kind !== "ident") this.fail(`expected a field, "not" or "(", found "${token.text}"`, token);
    const flag = FLAGS.get(token.text);
    if (flag) {
      const next = this.peek();
      if (next.kind === "op" || this.isWord("in")) this.fail(`"${token.text}" takes no operator`, next);
      return flag;
    }
    const field = FIELDS.get(token.text);
    if (!field) return this.fail(`unknown field "${token.text}"`, token);
    const get = field.get;
    if (this.isWord("in")) {
      this.#at++;
      const items = this.set(field.type);
      return (p) => {
        const x = get(p);
        return x !== undefined && items.some((m) => m(x));
      };
    }
    const op = this.take();
    if (op.kind !== "op") this.fail(`expected a comparison or "in" after "${token.text}", found "${op.text}"`, op);
    if (field.type === "proto" && op.text !== "==" && op.text !== "!=") this.fail(`only == and != apply to ${token.text}`, op);
    const test = comparator(op.text, this.value(field.type));
    return (p) => {
      const x = get(p);
      return x !== undefined && test(x);
    };
  }

  set(type: FieldType): ((x: number) => boolean)[] {
    const first = this.peek();
    if (type === "ip" && (first.kind === "cidr" || first.kind === "ip")) return [this.item(type)];
    if (first.kind !== "{") this.fail(`expected "{" or a CIDR after "in", found "${first.text}"`, first);
    this.#at++;
    const items = [this.item(type)];
    while (this.peek().kind === ",") {
      this.#at++;
      items.push(this.item(type));
    }
    const close = this.take();
    if (close.kind !== "}") this.fail(`expected "," or "}", found "${close.text}"`, close);
    return items;
  }

  item(type: FieldType): (x: number) => boolean {
    const token = this.peek();
    if (type === "ip" && token.kind === "cidr") {
      this.#at++;
      const base = token.value as number;
      const prefixLength = token.prefixLength as number;
      return (x) => inCidr(x, base, prefixLength);
    }
    const v = this.value(type);
    return (x) => x === v;
  }

  value(type: FieldType): number {
    const token = this.take();
    if (type === "ip" && token.kind === "ip") return token.value as number;
    if (type === "number" && token.kind === "number") return token.value as number;
    if (type === "proto" && token.kind === "number" && (token.value as number) <= 255) return token.value as number;
    if (type === "proto" && token.kind === "ident") {
      const n = PROTO_NUMBER.get(token.text);
      if (n !== undefined) return n;
    }
    return this.fail(`expected a ${type} value, found "${token.text}"`, token);
  }

  enter(token: Tok): void {
    if (++this.#depth > NESTING_MAX) this.fail(`nesting deeper than ${NESTING_MAX}`, token);
  }

  isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === "ident" && token.text === word;
  }

  peek(): Tok {
    return this.tokens[this.#at] as Tok;
  }

  take(): Tok {
    const token = this.peek();
    if (token.kind !== "eof") this.#at++;
    return token;
  }

  fail(reason: string, token: Tok): never {
    throw new FilterError(reason, token.column);
  }
}

export function compileFilter(source: string): PacketPredicate {
  if (source.length > SOURCE_LENGTH_MAX) throw new FilterError(`filter longer than ${SOURCE_LENGTH_MAX} characters`, SOURCE_LENGTH_MAX + 1);
  return new Parser(tokenize(source)).parseAll();
}

function formatIp(ip: number): string {
  const n = ip >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function bucket(size: number): [number, number] {
  if (size < 1) return [0, 1];
  const low = 2 ** Math.floor(Math.log2(size));
  return [low, low * 2];
}

const FLAG_NAMES = ["syn", "ack", "fin", "rst", "psh"] as const;

export function ruleFor(sample: Packet): string {
  const parts = [`ip.dst == ${formatIp(sample.dstIp)}`, `ip.proto == ${sample.protocol}`];
  if (sample.protocol !== "icmp") parts.push(`${sample.protocol}.dstport == ${sample.dstPort}`);
  if (sample.protocol === "tcp") for (const f of FLAG_NAMES) parts.push(sample.flags[f] ? `tcp.flags.${f}` : `not tcp.flags.${f}`);
  const [low, high] = bucket(sample.sizeBytes);
  parts.push(`ip.len >= ${low}`, `ip.len < ${high}`);
  return parts.join(" and ");
}
