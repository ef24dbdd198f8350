// Mutant: rounds retryAfterMs up to whole seconds, because the HTTP Retry-After header counts seconds, so the wait is no longer exact (burst 1, T 1 500 ms: a reject 1 ms after an admission says 2 000 ms; the retry is admitted after 1 499).
export interface BucketOptions {
  burst: number;
  periodMs: number;
}

export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

const toWholeSeconds = (ms: number): number => Math.ceil(ms / 1000) * 1000;

export class TokenBucket {
  readonly #state = new Map<string, { creditMs: number; lastMs: number }>();

  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    const { burst, periodMs } = this.options;
    const capacityMs = burst * periodMs;
    const s = this.#state.get(key) ?? { creditMs: capacityMs, lastMs: nowMs };
    const t = Math.max(nowMs, s.lastMs);
    const creditMs = Math.min(capacityMs, s.creditMs + (t - s.lastMs));
    if (creditMs >= periodMs) {
      this.#state.set(key, { creditMs: creditMs - periodMs, lastMs: t });
      return { allowed: true, retryAfterMs: 0 };
    }
    this.#state.set(key, { creditMs, lastMs: t });
    return { allowed: false, retryAfterMs: toWholeSeconds(periodMs - creditMs) };
  }
}

export class Gcra {
  readonly #state = new Map<string, { tatMs: number; lastMs: number }>();

  constructor(readonly options: BucketOptions) {}

  tryAcquire(key: string, nowMs: number): RateDecision {
    const { burst, periodMs } = this.options;
    const tauMs = (burst - 1) * periodMs;
    const s = this.#state.get(key) ?? { tatMs: nowMs, lastMs: nowMs };
    const t = Math.max(nowMs, s.lastMs);
    const tat = Math.max(s.tatMs, t);
    if (tat - t > tauMs) {
      this.#state.set(key, { tatMs: s.tatMs, lastMs: t });
      return { allowed: false, retryAfterMs: toWholeSeconds(tat - tauMs - t) };
    }
    this.#state.set(key, { tatMs: tat + periodMs, lastMs: t });
    return { allowed: true, retryAfterMs: 0 };
  }
}
