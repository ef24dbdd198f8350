import fc from "fast-check";

/**
 * Identifiers that break naive bookkeeping: prototype property names (a plain object answers
 * them before anything was stored, and `obj["__proto__"] = x` replaces the prototype instead
 * of storing a key), integer-like strings (an object lists them first, in numeric order, so
 * insertion order is lost), the empty string, non-ASCII text, and pairs that collide when
 * concatenated without a separator ("a" + "12" and "a1" + "2").
 */
export const ADVERSARIAL_IDS: readonly string[] = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "7",
  "10",
  "0",
  "",
  "é",
  "日本",
  "🙂",
  "a",
  "a1",
  "12",
  "2",
];

/** One identifier: mostly adversarial, sometimes any short string. */
export const identifier: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...ADVERSARIAL_IDS), weight: 3 },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
);

/**
 * A small set of distinct identifiers for one run, so that commands keep hitting the same
 * few keys. It always mixes a plain id, an integer-like one and a prototype name, because the
 * mistakes they expose (lost insertion order, inherited values) need both kinds in one run.
 */
export function identifierSet(extraMax: number): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      fc.constantFrom("a", "b", "script-b", "é"),
      fc.constantFrom("7", "10", "0", "12"),
      fc.constantFrom("__proto__", "constructor", "toString", "valueOf"),
      fc.uniqueArray(identifier, { maxLength: extraMax }),
    )
    .map(([plain, integerLike, protoName, rest]) => [...new Set([plain, integerLike, protoName, ...rest])])
    .chain((ids) => fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length }));
}
