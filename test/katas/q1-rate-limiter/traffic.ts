import fc from "fast-check";

/** One request of a generated stream: which key, and when (integer milliseconds). */
export interface Arrival {
  readonly key: string;
  readonly t: number;
}

export interface WindowScenario {
  readonly limit: number;
  readonly windowMs: number;
  /** Sorted by time (never decreasing); several keys interleaved. */
  readonly arrivals: readonly Arrival[];
}

export const KEYS = ["a", "b", "c"] as const;

/**
 * Traffic that breaks wrong limiters: integer-millisecond clocks, bursts (many requests at
 * one instant) and times biased to window edges (0, 1, W-1, W/2 into a window). Uniform
 * random times almost never land on the edge cases.
 */
export function burstyArrivals(windowMs: number, options: { windows?: number; keys?: readonly string[]; points?: number } = {}): fc.Arbitrary<Arrival[]> {
  const keys = options.keys ?? KEYS;
  const half = Math.floor(windowMs / 2);
  return fc
    .array(
      fc.record({
        window: fc.integer({ min: 0, max: options.windows ?? 6 }),
        offset: fc.oneof(
          fc.constantFrom(0, 1, windowMs - 1, Math.max(0, windowMs - 2), half),
          fc.integer({ min: 0, max: windowMs - 1 }),
        ),
        burst: fc.integer({ min: 1, max: 6 }),
        key: fc.constantFrom(...keys),
      }),
      { minLength: 1, maxLength: options.points ?? 25 },
    )
    .map((points) =>
      points
        .flatMap((p) => Array.from({ length: p.burst }, () => ({ key: p.key, t: p.window * windowMs + p.offset })))
        .sort((a, b) => a.t - b.t),
    );
}

export function windowScenario(options: { limitMax?: number; windowMsMax?: number; keys?: readonly string[] } = {}): fc.Arbitrary<WindowScenario> {
  return fc
    .record({
      limit: fc.integer({ min: 1, max: options.limitMax ?? 5 }),
      windowMs: fc.integer({ min: 2, max: options.windowMsMax ?? 40 }),
    })
    .chain(({ limit, windowMs }) =>
      burstyArrivals(windowMs, options.keys ? { keys: options.keys } : {}).map((arrivals) => ({ limit, windowMs, arrivals })),
    );
}

/** Decisions for the whole stream, in order. */
export function decideAll(limiter: { tryAcquire(key: string, nowMs: number): boolean }, arrivals: readonly Arrival[]): boolean[] {
  return arrivals.map((a) => limiter.tryAcquire(a.key, a.t));
}

/** Key isolation: the decisions for key k on the interleaved stream equal those on k's stream alone. */
export function assertKeyIsolation(
  make: () => { tryAcquire(key: string, nowMs: number): boolean },
  arrivals: readonly Arrival[],
): void {
  const together = decideAll(make(), arrivals);
  for (const key of new Set(arrivals.map((a) => a.key))) {
    const own = arrivals.filter((a) => a.key === key);
    const alone = decideAll(make(), own);
    const mixed = together.filter((_, i) => arrivals[i]!.key === key);
    const at = alone.findIndex((d, i) => d !== mixed[i]);
    if (at >= 0) {
      throw new Error(
        `key "${key}": request #${at} at ${own[at]!.t} ms is ${mixed[at] ? "admitted" : "rejected"} among other keys ` +
          `but ${alone[at] ? "admitted" : "rejected"} alone; keys must not share state`,
      );
    }
  }
}

/** Admitted times per key. */
export function admittedByKey(arrivals: readonly Arrival[], decisions: readonly boolean[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  arrivals.forEach((a, i) => {
    if (!decisions[i]) return;
    const list = out.get(a.key) ?? [];
    list.push(a.t);
    out.set(a.key, list);
  });
  return out;
}
