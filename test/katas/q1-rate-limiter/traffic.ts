import fc from "fast-check";

/** One request of a generated stream: which key, and when (integer milliseconds). */
export interface Arrival {
  readonly key: string;
  readonly t: number;
}

export interface WindowScenario {
  readonly limit: number;
  readonly windowMs: number;
  /** Each key's times never decrease; different keys may arrive out of time order. */
  readonly arrivals: readonly Arrival[];
}

/**
 * Keys that break per-key state kept the wrong way: prototype property names (a plain object
 * used as a map), the empty string, non-ASCII (one and two UTF-16 units), and keys that collide
 * when glued to a window index without a separator ("a" + "12" = "a1" + "2", "" + "11" =
 * "1" + "1", "1" + "21" = "12" + "1").
 */
export const KEY_POOL = ["a", "a1", "", "1", "12", "__proto__", "constructor", "toString", "é", "🙂"] as const;

/**
 * Pairs of (key, window index) that collide when glued without a separator, with base time 0:
 * a stream drawn from one pair shares one counter in a limiter that keys by `key + window`.
 */
const COLLISIONS: ReadonlyArray<ReadonlyArray<readonly [string, number]>> = [
  [["a1", 2], ["a", 12]],
  [["1", 1], ["", 11]],
  [["12", 1], ["1", 21]],
];

/** An epoch-like base time (2023–2027) so window indices are in the hundreds of millions. */
export const EPOCH_MS_MIN = 1_672_531_200_000;
export const EPOCH_MS_MAX = 1_798_761_600_000;

/**
 * Limits from 1 to 10⁴: mostly small (bursts cross them often), sometimes realistic, and the
 * exact ends of the range.
 */
export function limitArb(max = 10_000): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 1, max: Math.min(5, max) }) },
    { weight: 1, arbitrary: fc.constantFrom(1, max) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: Math.min(100, max) }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max }) },
  );
}

/** Windows from one millisecond to hours: mostly short (many window edges), sometimes real. */
export function windowMsArb(min = 1): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min, max: Math.max(min, 50) }) },
    { weight: 1, arbitrary: fc.constantFrom(...[1, 1_000, 60_000, 3_600_000, 86_400_000].filter((w) => w >= min)) },
    { weight: 1, arbitrary: fc.integer({ min, max: 3_600_000 }) },
  );
}

/** Where the stream starts: at 0 (small window indices, concatenation collisions) or at an epoch-like time. */
export function baseMsArb(): fc.Arbitrary<number> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: EPOCH_MS_MIN, max: EPOCH_MS_MAX }) });
}

interface Point {
  key: string;
  window: number;
  offset: number;
  burst: number;
  order: number;
}

export interface ArrivalOptions {
  /** Limit the bursts are biased around (limit − 1, limit, limit + 1). */
  limit?: number;
  /** Highest window index of the small range. @defaultValue 6 */
  windows?: number;
  /** Keys to draw from. @defaultValue KEY_POOL, 1 to 3 of them per scenario */
  keys?: readonly string[];
  /** Most bursts. @defaultValue 25, or 3 when the limit is above 50 (bursts of ~limit requests) */
  points?: number;
  /** First time of the stream's window 0. @defaultValue 0 */
  baseMs?: number;
  /** Keep the whole stream sorted by time (one clock for all keys). @defaultValue false: keys interleave out of order */
  sorted?: boolean;
}

/**
 * Traffic that breaks wrong limiters: bursts (many requests at one instant) of about the limit,
 * times biased to window edges (0, 1, W − 1, W − 2, W/2 into a window), idle gaps of several
 * windows, and keys whose clocks are each non-decreasing but interleave out of order (requests
 * of different clients reach the limiter in any order). Uniform random times almost never land
 * on these cases.
 */
export function burstyArrivals(windowMs: number, options: ArrivalOptions = {}): fc.Arbitrary<Arrival[]> {
  const half = Math.floor(windowMs / 2);
  const limit = options.limit ?? 3;
  const baseWindow = Math.floor((options.baseMs ?? 0) / windowMs);
  const maxWindow = options.windows ?? 6;
  const nearLimit = [limit - 1, limit, limit + 1].filter((n) => n >= 1);
  const offset = fc.oneof(
    fc.constantFrom(0, 1 % windowMs, windowMs - 1, Math.max(0, windowMs - 2), half),
    fc.integer({ min: 0, max: windowMs - 1 }),
  );
  const burst = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 6 }) }, { weight: 2, arbitrary: fc.constantFrom(...nearLimit) });
  const pointsFrom = (cell: fc.Arbitrary<readonly [string, number]>): fc.Arbitrary<Point[]> =>
    fc.array(
      fc.record({ cell, offset, burst, order: fc.nat() }).map(({ cell: [key, window], ...rest }) => ({ key, window, ...rest })),
      { minLength: 1, maxLength: options.points ?? (limit > 50 ? 3 : 25) },
    );
  const anyWindow = fc.integer({ min: 0, max: maxWindow });
  const cells = (keyList: readonly string[]): fc.Arbitrary<readonly [string, number]> => fc.tuple(fc.constantFrom(...keyList), anyWindow);
  if (options.keys !== undefined) return pointsFrom(cells(options.keys)).map((ps) => expand(ps, windowMs, baseWindow, options.sorted === true));
  const keys = fc.shuffledSubarray([...KEY_POOL], { minLength: 1, maxLength: 3 });
  // One scenario in five is built around a colliding pair, so the collision happens often enough.
  const colliding = fc.constantFrom(...COLLISIONS).chain((pair) =>
    pointsFrom(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pair) }, { weight: 1, arbitrary: cells(pair.map(([k]) => k)) })),
  );
  return fc
    .oneof({ weight: 4, arbitrary: keys.chain((keyList) => pointsFrom(cells(keyList))) }, { weight: 1, arbitrary: colliding })
    .map((ps) => expand(ps, windowMs, baseWindow, options.sorted === true));
}

/** Bursts to requests: per key in time order; across keys in the generated order (or by time when sorted). */
function expand(points: readonly Point[], windowMs: number, baseWindow: number, sorted: boolean): Arrival[] {
  const timeOf = (p: Point): number => (baseWindow + p.window) * windowMs + p.offset;
  const byTime = [...points].sort((a, b) => timeOf(a) - timeOf(b));
  let slots: Point[];
  if (sorted) slots = byTime;
  else {
    // The interleaving: a random sequence of key labels; each key's bursts fill its labels in time order.
    const queues = new Map<string, Point[]>();
    for (const p of byTime) queues.set(p.key, [...(queues.get(p.key) ?? []), p]);
    slots = [...points].sort((a, b) => a.order - b.order).map((p) => queues.get(p.key)!.shift()!);
  }
  return slots.flatMap((p) => Array.from({ length: p.burst }, () => ({ key: p.key, t: timeOf(p) })));
}

/**
 * A scenario: a limit from 1 to 10⁴, a window from 1 ms to a day, a base time (0 or epoch-like),
 * and bursty traffic around the limit.
 */
export function windowScenario(options: { limitMax?: number; windowMsMin?: number; keys?: readonly string[] } = {}): fc.Arbitrary<WindowScenario> {
  return fc
    .record({ limit: limitArb(options.limitMax), windowMs: windowMsArb(options.windowMsMin), baseMs: baseMsArb(), sorted: fc.boolean() })
    .chain(({ limit, windowMs, baseMs, sorted }) =>
      burstyArrivals(windowMs, { limit, baseMs, sorted, ...(options.keys ? { keys: options.keys } : {}) }).map((arrivals) =>
        printWindowScenario({ limit, windowMs, arrivals }),
      ),
    );
}

/** A hand-written scenario for `examples` (one request per [key, t] pair). */
export function example(limit: number, windowMs: number, arrivals: ReadonlyArray<readonly [string, number]>): [WindowScenario] {
  return [printWindowScenario({ limit, windowMs, arrivals: arrivals.map(([key, t]) => ({ key, t })) })];
}

/**
 * Makes fast-check print `value` with `show` in a counter-example (its `toStringMethod`), so a
 * burst of 10⁴ identical requests prints as one run, not as 10⁴ array items.
 */
export function printAs<T extends object>(value: T, show: (v: T) => string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => show(value), enumerable: false });
  return value;
}

/** Runs of equal items: `"a"@9 ×2, "b"@10`. */
export function showRuns<T>(items: readonly T[], show: (item: T) => string): string {
  const parts: string[] = [];
  for (let i = 0; i < items.length; ) {
    const text = show(items[i]!);
    let n = 1;
    while (i + n < items.length && show(items[i + n]!) === text) n++;
    parts.push(n > 1 ? `${text} ×${n}` : text);
    i += n;
  }
  return `[${parts.join(", ")}]`;
}

export const showArrival = (a: Arrival): string => `${JSON.stringify(a.key)}@${a.t}`;

export function printWindowScenario<T extends WindowScenario>(s: T): T {
  return printAs(s, (v) => `{ limit: ${v.limit}, windowMs: ${v.windowMs}, arrivals (key@ms): ${showRuns(v.arrivals, showArrival)} }`);
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
        `key ${JSON.stringify(key)}: request #${at} at ${own[at]!.t} ms is ${mixed[at] ? "admitted" : "rejected"} among other keys ` +
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

/** Most of the sorted `times` in any interval [start, start + span): two pointers, linear. */
export function busiest(times: readonly number[], span: number): { n: number; start: number } {
  let best = { n: 0, start: 0 };
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    if (j < i) j = i;
    while (j < times.length && times[j]! - times[i]! < span) j++;
    if (j - i > best.n) best = { n: j - i, start: times[i]! };
  }
  return best;
}
