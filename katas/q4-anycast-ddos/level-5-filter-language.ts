// Q4 · level 5 · A filter language for scrubbing rules
// When the detector finds a heavy hitter, the mitigation is a RULE pushed to every server of
// the PoP: `ip.dst == 198.51.100.7 and udp.dstport == 53 and ip.len >= 512 and ip.len < 1024`.
// Operators read and write these rules, so they are text; the data path matches millions of
// packets per second, so the text is parsed ONCE and compiled to a predicate.
//
// Implement
// - `compileFilter(source)`: parse the language below and return `(packet) => boolean`. A bad
//   filter throws an error whose numeric `column` (1-based) points at the culprit.
//     or := and ("or" and)* · and := not ("and" not)* · not := "not" not | primary
//     primary := "(" or ")" | flag | field op value | field "in" set
//   flags: tcp udp icmp tcp.flags.{syn,ack,fin,rst,psh}; fields: ip.src ip.dst (dotted quad),
//   ip.len ip.ttl (number), ip.proto (tcp|udp|icmp|0-255, == and != only), tcp.srcport
//   tcp.dstport udp.srcport udp.dstport (false on other protocols); op: == != < <= > >=;
//   set: a CIDR, or "{" items "," … "}" of values or CIDRs (ip fields).
//   Names are exactly these, in lower case: any other word (`constructor`, `toString`,
//   `__proto__`, `IP.SRC`, `ip.proto == TCP`) is an error, as are an address that is not a
//   dotted quad of 0-255, a prefix above /32, an empty set, and an operator or value a field
//   does not take. The column is the culprit's, or an earlier column of the same clause
//   (e.g. the field whose value is wrong), never one in another clause or after the culprit.
// - `ruleFor(sample)`: a filter that matches exactly the packets of the sample's attack shape:
//   same dst IP, protocol, dst port (not for ICMP), the exact five TCP flags (TCP only) and the
//   same power-of-two size bucket [2^k, 2^(k+1)) (sizes below 1 form the bucket [0, 1)).
// Constraints: no `eval` of user text; CIDR masks must work for /0 and for addresses ≥ 128.0.0.0.
// Hints: `npm run kata -- hint q4/5`. Grade: `npm run kata -- check q4/5`.
import type { Packet } from "../../src/ddos/index.js";
import { NotImplemented } from "../../src/kata/not-implemented.js";

export type PacketPredicate = (packet: Packet) => boolean;

export function compileFilter(source: string): PacketPredicate {
  // TODO: tokenize (remember each token's column), parse by precedence, build closures.
  throw new NotImplemented("compileFilter");
}

export function ruleFor(sample: Packet): string {
  // TODO: one conjunction over the fields of the attack shape.
  throw new NotImplemented("ruleFor");
}
