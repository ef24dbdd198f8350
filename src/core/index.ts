/** Shared primitives used by every stage: typed errors and invariant checks. */
export { EdgeError, ConfigError, EXIT_USAGE, AssertionFailed, assert, type ConfigErrorCode } from "./errors.js";
export { ERROR_HTTP_STATUS, type ErrorCode, type ErrorHttpStatus } from "./error-codes.js";
export type * from "./bindings.js";
