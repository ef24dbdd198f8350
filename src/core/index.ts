/** Shared primitives used by every stage: typed errors and invariant checks. */
export { EdgeError, AssertionFailed, assert } from "./errors.js";
export type * from "./bindings.js";
