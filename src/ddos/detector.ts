import type { Clock } from "../sim/clock.js";
import type { Rng } from "../sim/rng.js";
import { compileFilter, type PacketPredicate } from "./filter-language/compile.js";
import { parseRule } from "./filter-language/parser.js";
import { formatIpv6 } from "../core/ip-address.js";
import { CountMinSketch, SpaceSaving, type HeavyHitter } from "./heavy-hitters.js";
import { formatIpv4, TCP_FLAG_NAMES, type Packet } from "./packet.js";

export interface DetectorOptions {
  clock: Clock;
  rng: Rng;
  /**
   * Packets of one signature within one window that make it an attack. Keep it well above
   * epsilon × packets per window, or the sketch's overestimate alone could trigger a rule.
   */
  packetsPerWindowThreshold: number;
  /** @defaultValue 1000 */
  windowMs?: number;
  /** A rule is removed once its signature stays under the threshold this long. @defaultValue 60_000 */
  quietMsToExpire?: number;
  /** Count-min error as a fraction of packets per window. @defaultValue 0.001 */
  epsilon?: number;
  /** @defaultValue 0.001 */
  delta?: number;
}

export interface MitigationRule {
  /** The signature the rule was generated from. */
  readonly signature: string;
  /** The rule in the filter language, as an operator would read it in a dashboard. */
  readonly expression: string;
  readonly predicate: PacketPredicate;
  readonly createdAtMs: number;
  lastAttackMs: number;
  droppedPackets: number;
}

// Bounds the memo of /24 source signatures (about 40 bytes each). One memo serves every
// detector: the signature of a /24 is the same string at every PoP.
const SOURCE_MEMO_ENTRIES_MAX = 4096;
const sourceSignatures = new Map<number, string>();
type TcpFlagName = (typeof TCP_FLAG_NAMES)[number];

/** Power-of-two size buckets: [2^k, 2^(k+1)); attack tools send fixed or narrow sizes. */
export function sizeBucket(sizeBytes: number): { low: number; high: number } {
  if (sizeBytes < 1) return { low: 0, high: 1 };
  const low = 2 ** Math.floor(Math.log2(sizeBytes));
  return { low, high: low * 2 };
}

/** Attack "shape": victim, protocol, port, exact TCP flags and size bucket. */
export function shapeSignature(p: Packet): string {
  const flags = p.protocol === "tcp" ? TCP_FLAG_NAMES.filter((f) => p.flags[f]).join("+") : "";
  const port = p.protocol === "icmp" ? "" : String(p.dstPort);
  const victim = p.ipv6 === undefined ? formatIpv4(p.dstIp) : formatIpv6(p.ipv6.dst);
  return `shape|${victim}|${p.protocol}|${port}|${flags}|${sizeBucket(p.sizeBytes).low}`;
}

/**
 * Attack source: the /24 an IPv4 packet comes from, or the /48 of an IPv6 one (the longest
 * prefix routed between networks, so the smallest a source can be pinned to from outside).
 */
export function sourceSignature(p: Packet): string {
  if (p.ipv6 !== undefined) return `source6|${formatIpv6(ipv6Network48(p.ipv6.src))}/48`;
  return `source|${formatIpv4((p.srcIp & 0xffffff00) >>> 0)}/24`;
}

function ipv6Network48(ip: Uint8Array): Uint8Array {
  const net = new Uint8Array(16);
  net.set(ip.subarray(0, 6));
  return net;
}

function ruleExpression(p: Packet, signature: string): string {
  if (signature.startsWith("source|")) return `ip.src in ${signature.slice("source|".length)}`;
  if (signature.startsWith("source6|")) return `ipv6.src in ${signature.slice("source6|".length)}`;
  const { low, high } = sizeBucket(p.sizeBytes);
  const victim = p.ipv6 === undefined ? `ip.dst == ${formatIpv4(p.dstIp)}` : `ipv6.dst == ${formatIpv6(p.ipv6.dst)}`;
  const parts = [victim, `ip.proto == ${p.protocol}`];
  if (p.protocol !== "icmp") parts.push(`${p.protocol}.dstport == ${p.dstPort}`);
  if (p.protocol === "tcp") for (const f of TCP_FLAG_NAMES) parts.push(p.flags[f] ? `tcp.flags.${f}` : `not tcp.flags.${f}`);
  parts.push(`ip.len >= ${low}`, `ip.len < ${high}`);
  return parts.join(" and ");
}

/**
 * A per-PoP detector in the manner of Cloudflare's dosd: count packet signatures per window
 * in a count-min sketch, and when one crosses the threshold, write a drop rule in the filter
 * language that matches exactly that signature. Rules expire after a quiet period.
 */
export class DdosDetector {
  readonly #clock: Clock;
  readonly #threshold: number;
  readonly #windowMs: number;
  readonly #quietMs: number;
  readonly #sketch: CountMinSketch;
  readonly #top = new SpaceSaving(32);
  readonly #rules = new Map<string, MitigationRule>();
  #windowStartMs = -Infinity;
  // Signature strings are rebuilt for every packet otherwise; traffic repeats a few shapes and
  // a bounded set of /24s, so the last shape (and, shared, a small map of sources) is remembered.
  #shapeKey = { dstIp: Number.NaN, protocol: "", dstPort: Number.NaN, flags: -1, low: Number.NaN };
  #shape = "";

  constructor(options: DetectorOptions) {
    this.#clock = options.clock;
    this.#threshold = options.packetsPerWindowThreshold;
    this.#windowMs = options.windowMs ?? 1000;
    this.#quietMs = options.quietMsToExpire ?? 60_000;
    this.#sketch = new CountMinSketch({ epsilon: options.epsilon ?? 0.001, delta: options.delta ?? 0.001, rng: options.rng });
  }

  // ANCHOR: observe
  /** Counts the packet and decides its fate under the rules in force. */
  observe(packet: Packet): "drop" | "pass" {
    const now = this.#clock.nowMs();
    this.#roll(now);
    for (const signature of [this.#shapeOf(packet), this.#sourceOf(packet)]) {
      const estimate = this.#sketch.addAndEstimate(signature);
      this.#top.add(signature);
      if (estimate < this.#threshold) continue;
      const rule = this.#rules.get(signature);
      if (rule) rule.lastAttackMs = now;
      else this.#rules.set(signature, this.#makeRule(packet, signature, now));
    }
    for (const rule of this.#rules.values()) {
      if (rule.predicate(packet)) {
        rule.droppedPackets++;
        return "drop";
      }
    }
    return "pass";
  }
  // ANCHOR_END: observe

  rules(): MitigationRule[] {
    this.#expire(this.#clock.nowMs());
    return [...this.#rules.values()];
  }

  /** The heaviest signatures of the current window, for dashboards and tests. */
  topSignatures(k: number): HeavyHitter[] {
    return this.#top.top(k);
  }

  #shapeOf(p: Packet): string {
    let flags = 0;
    if (p.protocol === "tcp") for (let i = 0; i < TCP_FLAG_NAMES.length; i++) if (p.flags[TCP_FLAG_NAMES[i] as TcpFlagName]) flags |= 1 << i;
    const low = p.sizeBytes < 1 ? 0 : 2 ** Math.floor(Math.log2(p.sizeBytes)); // sizeBucket(p.sizeBytes).low
    // The signature is a function of these five values: compare them, not a key built from them.
    if (p.ipv6 !== undefined) return shapeSignature(p); // the memo compares IPv4 victims only
    const last = this.#shapeKey;
    if (p.dstIp !== last.dstIp || p.protocol !== last.protocol || p.dstPort !== last.dstPort || flags !== last.flags || low !== last.low) {
      this.#shapeKey = { dstIp: p.dstIp, protocol: p.protocol, dstPort: p.dstPort, flags, low };
      this.#shape = shapeSignature(p);
    }
    return this.#shape;
  }

  #sourceOf(p: Packet): string {
    if (p.ipv6 !== undefined) return sourceSignature(p);
    const net = (p.srcIp & 0xffffff00) >>> 0;
    let signature = sourceSignatures.get(net);
    if (signature === undefined) {
      if (sourceSignatures.size >= SOURCE_MEMO_ENTRIES_MAX) sourceSignatures.clear();
      signature = sourceSignature(p);
      sourceSignatures.set(net, signature);
    }
    return signature;
  }

  #makeRule(packet: Packet, signature: string, now: number): MitigationRule {
    const expression = ruleExpression(packet, signature);
    const predicate = compileFilter(parseRule(expression));
    return { signature, expression, predicate, createdAtMs: now, lastAttackMs: now, droppedPackets: 0 };
  }

  #roll(now: number): void {
    if (now < this.#windowStartMs + this.#windowMs) return;
    this.#windowStartMs = Math.floor(now / this.#windowMs) * this.#windowMs;
    this.#sketch.reset();
    this.#top.reset();
    this.#expire(now);
  }

  #expire(now: number): void {
    for (const [signature, rule] of this.#rules) if (now - rule.lastAttackMs > this.#quietMs) this.#rules.delete(signature);
  }
}
