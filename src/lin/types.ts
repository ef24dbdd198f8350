/**
 * One operation of a concurrent history: what a client asked (`input`), what it got
 * (`output`), and when it called and when the answer came back. Operations of one client
 * never overlap; operations of different clients may.
 */
export interface Operation<I, O> {
  clientId: string | number;
  input: I;
  output: O;
  /** Time the call was issued. */
  call: number;
  /** Time the response arrived; `ret >= call`. Ignored when `unknown`. */
  ret: number;
  /**
   * The client never learned the outcome: it crashed or timed out (Jepsen's `:info`). The
   * operation may have taken effect at any moment after `call`, or not at all; `ret` and
   * `output` are ignored, and the model's `apply` says what it does to the state.
   */
  unknown?: boolean;
}

/** A sequential specification: what a single-threaded object would answer. */
export interface Model<S, I, O> {
  init(): S;
  /** Applies `input` to `state`; `ok` says whether a sequential object could answer `output`. */
  step(state: S, input: I, output: O): { ok: boolean; state: S };
  /**
   * The state after `input` when nobody saw its answer (an `unknown` operation). Required
   * only for histories that have such operations.
   */
  apply?(state: S, input: I): S;
  /**
   * Splits a history into independent sub-histories (P-compositionality: a history is
   * linearizable iff each part is, e.g. one part per key of a key-value store).
   */
  partition?(history: readonly Operation<I, O>[]): Operation<I, O>[][];
  /** A string that is equal exactly when states are equal (memo key); the default is `JSON.stringify`. */
  hash?(state: S): string;
  /**
   * A 32-bit hash of the state, equal for equal states, and the equality it must agree with.
   * Together they let the memo table work without building a string per step (Porcupine's
   * `Hash` and `Equal`); when absent, `hash` (or `JSON.stringify`) is used instead.
   */
  hashCode?(state: S): number;
  equal?(a: S, b: S): boolean;
  describe?(input: I, output: O): string;
}

export type CheckResult<I, O> = CheckVerdict<I, O> & {
  /** Search steps spent over all partitions (one per entry visited), when the checker counts them. */
  steps?: number;
};

export type CheckVerdict<I, O> =
  /** `order` is a valid linearization of the whole history, consistent with real time. */
  | { ok: true; order: Operation<I, O>[] }
  /**
   * `partialOrder` is the longest linearizable prefix found in the failing partition,
   * `blocked` the operation that could not be placed after it (when the search got that far)
   * and `partition` the failing sub-history, for pictures such as `renderTimeline`.
   */
  | { ok: false; reason: string; partialOrder: Operation<I, O>[]; blocked?: Operation<I, O>; partition?: Operation<I, O>[] }
  /** The search was stopped by `timeoutMs` or `stepsMax` before it could decide. */
  | { ok: "unknown"; reason: string };

export interface CheckOptions {
  /** Wall-time budget of the whole check; unlimited when omitted. */
  timeoutMs?: number;
  /** Bound on search steps over all partitions. @defaultValue 100_000_000 */
  stepsMax?: number;
  /**
   * Bound on the memory of each partition's memo table; a search that needs more answers
   * "unknown" rather than exhaust the process. @defaultValue 256 MiB
   */
  memoBytesMax?: number;
}
