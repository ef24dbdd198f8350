/**
 * Thrown by every kata stub. The harness treats a level whose implementation throws it as
 * "todo": reported, never passed and never failed.
 */
export class NotImplemented extends Error {
  readonly code = "NOT_IMPLEMENTED";

  constructor(what = "this kata level") {
    super(`${what} is not implemented yet — replace the stub (hint: npm run kata -- hint <kata/level>)`);
    this.name = "NotImplemented";
  }
}

/** True for a NotImplemented, also one that crossed a realm or module-copy boundary. */
export function isNotImplemented(error: unknown): boolean {
  if (error instanceof NotImplemented) return true;
  if (typeof error !== "object" || error === null) return false;
  const e = error as { code?: unknown; name?: unknown; cause?: unknown };
  if (e.code === "NOT_IMPLEMENTED" || e.name === "NotImplemented") return true;
  return e.cause !== undefined && e.cause !== error && isNotImplemented(e.cause);
}
