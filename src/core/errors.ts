/**
 * The two error families of the platform:
 * - `assert` guards invariants; a failure is a bug in edge-kata itself and should crash.
 * - `EdgeError` is an operating failure with a stable `code` (from `error-codes.ts`) and its
 *   HTTP status; it is what callers (workers, users, tests) are expected to handle.
 * A third kind, `ConfigError`, is how a command line or config file fails: it carries an exit code.
 */
import type { ErrorCode, ErrorHttpStatus } from "./error-codes.js";

export class EdgeError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly status: ErrorHttpStatus<C>;

  /** `status` is the code's entry in `ERROR_HTTP_STATUS`, checked by the compiler. */
  constructor(code: C, status: ErrorHttpStatus<C>, message: string) {
    super(message);
    this.name = "EdgeError";
    this.code = code;
    this.status = status;
  }
}

/** The exit status of a command-line or config failure: the shell's usage-error convention. */
export const EXIT_USAGE = 2;

export type ConfigErrorCode =
  | "BAD_ARGUMENT" // an unknown or malformed command-line option
  | "CONFIG_NOT_FOUND" // the config file cannot be read
  | "CONFIG_INVALID" // the config names something that does not exist
  | "DO_MIGRATION_INVALID" // wrangler.toml [[migrations]] that cannot apply
  | "WRANGLER_TOML_INVALID" // wrangler.toml that does not parse, or a key of the wrong type
  | "WORKER_CONFIG_INVALID" // a worker's settings (limits, bindings) that cannot apply
  | "PORT_IN_USE" // the port the server was told to listen on is taken
  | "PORT_FORBIDDEN" // … or needs privileges
  | "HOST_UNAVAILABLE"; // … or the host is no address of this machine

/**
 * A failure of how the program was started (command line, config file, listening address):
 * the process prints the message and exits with `exitCode`. It has no HTTP status, since no
 * request is involved.
 */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly exitCode: number;

  constructor(code: ConfigErrorCode, message: string, exitCode = EXIT_USAGE) {
    super(message);
    this.name = "ConfigError";
    this.code = code;
    this.exitCode = exitCode;
  }
}

export class AssertionFailed extends Error {
  constructor(message: string) {
    super(`invariant broken: ${message}`);
    this.name = "AssertionFailed";
  }
}

export function assert(condition: unknown, why: string): asserts condition {
  if (!condition) throw new AssertionFailed(why);
}
