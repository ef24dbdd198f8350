import { Rng } from "../../../src/sim/index.js";

/** A source /24 as a heavy-hitter key, as the detector would count it. */
export function sourceKey(i: number): string {
  return `source|10.${(i >> 8) & 255}.${i & 255}.0/24`;
}

/**
 * `length` keys drawn from a Zipf law over `distinct` keys (rank r has weight r^−s): the shape
 * of real traffic and of attacks, where a few signatures carry most packets.
 */
export function zipfStream(seed: number, distinct: number, length: number, s: number): string[] {
  const rng = new Rng(seed);
  const cdf: number[] = [];
  let total = 0;
  for (let r = 1; r <= distinct; r++) cdf.push((total += r ** -s));
  // Shuffle which key gets which rank, so "key 0 is heaviest" cannot be exploited.
  const ids = rng.shuffle(Array.from({ length: distinct }, (_, i) => i));
  const out: string[] = [];
  for (let i = 0; i < length; i++) {
    const u = rng.next() * total;
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    out.push(sourceKey(ids[lo] as number));
  }
  return out;
}

export function trueCounts(stream: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of stream) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/**
 * Signature keys a plain-object table gets wrong (`__proto__`, `constructor`, `toString`,
 * `hasOwnProperty`), the empty string, non-ASCII, and keys that collide when their parts are
 * concatenated ("a|12" and "a1|2" both read "a12" without the separator).
 */
export const ADVERSARIAL_KEYS: readonly string[] = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "", "東京", "🌐", "a|12", "a1|2", "a12"];

/** Key i of a stream: the adversarial keys first, then source /24s. */
export function streamKey(i: number): string {
  return ADVERSARIAL_KEYS[i] ?? sourceKey(i);
}
