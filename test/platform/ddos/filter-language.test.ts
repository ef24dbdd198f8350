import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  FilterSyntaxError,
  FILTER_NESTING_DEPTH_MAX,
  compileFilter,
  interpretFilter,
  makePacket,
  parseFilter,
  parseIpv4,
  printFilter,
  type FilterAst,
} from "../../../src/ddos/index.js";
import { astArb, packetArb } from "./arbitraries.js";

const matches = (filter: string, packet: Parameters<typeof interpretFilter>[1]): boolean => {
  const ast = parseFilter(filter);
  const compiled = compileFilter(ast)(packet);
  expect(compiled).toBe(interpretFilter(ast, packet));
  return compiled;
};

describe("filter language", () => {
  const synFromNet = makePacket({ protocol: "tcp", srcIp: parseIpv4("203.0.113.9"), dstPort: 443, flags: { syn: true, ack: false, fin: false, rst: false, psh: false } });
  const bigDns = makePacket({ protocol: "udp", dstPort: 53, sizeBytes: 1400 });

  it("evaluates the examples from the design", () => {
    const synFilter = "ip.src in 203.0.113.0/24 and tcp.flags.syn and not tcp.flags.ack";
    expect(matches(synFilter, synFromNet)).toBe(true);
    expect(matches(synFilter, { ...synFromNet, flags: { ...synFromNet.flags, ack: true } })).toBe(false);
    expect(matches(synFilter, { ...synFromNet, srcIp: parseIpv4("203.0.114.9") })).toBe(false);
    expect(matches("udp.dstport == 53 and ip.len > 512", bigDns)).toBe(true);
    expect(matches("udp.dstport == 53 and ip.len > 512", { ...bigDns, sizeBytes: 512 })).toBe(false);
    expect(matches("ip.proto == icmp", makePacket({ protocol: "icmp" }))).toBe(true);
    expect(matches("ip.proto == 17", bigDns)).toBe(true);
    expect(matches("udp.dstport in {53, 123, 1900}", bigDns)).toBe(true);
    expect(matches("ip.src in {10.0.0.1, 203.0.113.0/24}", synFromNet)).toBe(true);
  });

  it("treats a port of another protocol as absent: every comparison on it is false", () => {
    expect(matches("tcp.dstport == 53", bigDns)).toBe(false);
    expect(matches("tcp.dstport != 53", bigDns)).toBe(false);
    expect(matches("not tcp.dstport == 53", bigDns)).toBe(true);
  });

  it("binds not tighter than and, and and tighter than or", () => {
    const a: FilterAst = { kind: "flag", field: "tcp" };
    const b: FilterAst = { kind: "flag", field: "udp" };
    const c: FilterAst = { kind: "flag", field: "icmp" };
    expect(parseFilter("tcp or udp and icmp")).toEqual({ kind: "or", left: a, right: { kind: "and", left: b, right: c } });
    expect(parseFilter("not tcp and udp")).toEqual({ kind: "and", left: { kind: "not", operand: a }, right: b });
    expect(parseFilter("(tcp or udp) and icmp")).toEqual({ kind: "and", left: { kind: "or", left: a, right: b }, right: c });
    expect(parseFilter("tcp or udp or icmp")).toEqual({ kind: "or", left: { kind: "or", left: a, right: b }, right: c });
  });

  it("reports syntax errors with the 1-based column and a caret", () => {
    const cases: Array<[string, number]> = [
      ["ip.src == 1.2.3", 11],
      ["tcp.dstport == ", 16],
      ["ip.sorc == 1.2.3.4", 1],
      ["(tcp and udp", 13],
      ["tcp and and udp", 9],
      ["ip.proto < tcp", 10],
      ["tcp.flags.syn == 1", 15],
      ["ip.src in 10.0.0.0/33", 11],
      ["udp.dstport in {53, }", 21],
      ["ip.ttl == 64 $", 14],
      ["udp.dstport == 99999999999", 16],
      ["tcp udp", 5],
    ];
    for (const [text, column] of cases) {
      let error: unknown;
      try {
        parseFilter(text);
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(FilterSyntaxError);
      const syntax = error as FilterSyntaxError;
      expect(syntax.code).toBe("DDOS_FILTER_SYNTAX");
      expect(syntax.status).toBe(400);
      expect(syntax.column, text).toBe(column);
      expect(syntax.excerpt).toBe(`${text}\n${" ".repeat(column - 1)}^`);
    }
  });

  it("shows a window around the culprit of a long filter, caret still under it", () => {
    const text = `${"tcp and ".repeat(40)}tcp and $ and ${"udp or ".repeat(40)}udp`;
    const column = text.indexOf("$") + 1;
    try {
      parseFilter(text);
      expect.unreachable();
    } catch (e) {
      const syntax = e as FilterSyntaxError;
      expect(syntax.column).toBe(column);
      const [line, caret] = syntax.excerpt.split("\n") as [string, string];
      expect(line.length).toBeLessThanOrEqual(80);
      expect(line[caret.length - 1]).toBe("$");
    }
  });

  it("turns hostile input into FilterSyntaxError, never a crash", () => {
    expect(() => parseFilter("(".repeat(10_000))).toThrow(FilterSyntaxError);
    expect(() => parseFilter("not ".repeat(FILTER_NESTING_DEPTH_MAX + 1) + "tcp")).toThrow(FilterSyntaxError);
    expect(() => parseFilter("tcp or ".repeat(1000) + "tcp")).toThrow(/limit is 4096/);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."ip.srcdtpflagsyn ()={},!<>0123456789/andornotin"), maxLength: 40 }), (text) => {
        try {
          parseFilter(text);
        } catch (e) {
          expect(e).toBeInstanceOf(FilterSyntaxError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("prints any AST to text that parses back to the same AST", () => {
    fc.assert(
      fc.property(astArb, (ast) => {
        expect(parseFilter(printFilter(ast))).toEqual(ast);
      }),
      { numRuns: 300 },
    );
  });

  it("compiles to a predicate that agrees with the interpreter on random filters and packets", () => {
    const outcomes = { true: 0, false: 0 };
    fc.assert(
      fc.property(astArb, fc.array(packetArb, { minLength: 1, maxLength: 20 }), (ast, packets) => {
        const predicate = compileFilter(ast);
        for (const packet of packets) {
          const expected = interpretFilter(ast, packet);
          expect(predicate(packet)).toBe(expected);
          outcomes[`${expected}`]++;
        }
      }),
      { numRuns: 300 },
    );
    // The generators are tuned so that both verdicts are common; otherwise the check is hollow.
    expect(Math.min(outcomes.true, outcomes.false)).toBeGreaterThan(300);
  });
});
