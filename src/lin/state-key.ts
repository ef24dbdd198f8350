import { hashString } from "../sim/rng.js";
import type { Model } from "./types.js";

/** How the memo table hashes and compares model states. */
export interface StateKey<S> {
  code(state: S): number;
  same(a: S, b: S): boolean;
}

/**
 * The model's own `hashCode`/`equal` when it has them (no allocation per step); `equal` alone
 * when hashing a state costs more than comparing a few; otherwise its string `hash` (or
 * `JSON.stringify`), hashed to 32 bits, with string equality on a bucket hit.
 */
export function stateKeyOf<S, I, O>(model: Model<S, I, O>): StateKey<S> {
  if (model.hashCode && model.equal) return { code: model.hashCode, same: model.equal };
  // Equality alone: bucket by the linearized set, compare states only within a bucket.
  if (model.equal) return { code: () => 0, same: model.equal };
  const text = model.hash ?? ((state: S): string => JSON.stringify(state) ?? "undefined");
  return {
    code: (state) => hashString(text(state)),
    same: (a, b) => a === b || text(a) === text(b),
  };
}
