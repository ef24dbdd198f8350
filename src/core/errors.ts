/**
 * The two error families of the platform:
 * - `assert` guards invariants; a failure is a bug in edge-kata itself and should crash.
 * - `EdgeError` is an operating failure with a stable `code` and an HTTP status; it is what
 *   callers (workers, users, tests) are expected to handle.
 */
export class EdgeError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string) {
    super(message);
    this.name = "EdgeError";
    this.code = code;
    this.status = status;
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
