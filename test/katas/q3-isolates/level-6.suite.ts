import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";

interface Clock {
  onIo(realNowMs: number): void;
  now(): number;
}
type Make = (realNowMs: number) => Clock;

/** A worker's life: synchronous stretches of reads, separated by I/O at a real time that may step back. */
type Step = { kind: "io"; deltaMs: number } | { kind: "sync"; reads: number };
/**
 * Steps between I/O events: equal times, one ms back (an NTP slew), a second back (an NTP
 * step), fractions of a millisecond (the host may pass `performance.timeOrigin +
 * performance.now()`), and long waits up to an hour.
 */
const deltaMs = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 50 }), weight: 4 },
  { arbitrary: fc.constantFrom(0, -1, -1000, 0.5, -0.25, 3_600_000), weight: 3 },
  { arbitrary: fc.double({ min: 0, max: 5, noNaN: true }), weight: 2 },
  { arbitrary: fc.integer({ min: -5000, max: -1 }), weight: 1 },
);
const steps = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant("io" as const), deltaMs }),
    fc.record({ kind: fc.constant("sync" as const), reads: fc.integer({ min: 2, max: 5 }) }),
  ),
  { minLength: 1, maxLength: 25 },
);
/** Epoch times (now-ish, with a fraction of a millisecond) and small ones. */
const startMs = fc.oneof(
  fc.constantFrom(0, 1_700_000_000_000.125),
  fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
  fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map((ms) => ms + 0.5),
);

/** Each clock must equal the highest real time it was told, exactly: fractions kept, nothing rounded. */
function highestSeen(start: number, plan: readonly Step[]): number[] {
  let real = start;
  let latest = start;
  const out: number[] = [];
  for (const step of plan) {
    if (step.kind !== "io") continue;
    real += step.deltaMs;
    latest = Math.max(latest, real);
    out.push(latest);
  }
  return out;
}

/** Real (not virtual) time passes between reads: the worker is busy computing. */
function spin(): void {
  const until = performance.now() + 0.02;
  while (performance.now() < until) {
    // Busy on purpose: a clock that reads any real source must now see time move.
  }
}

export const suite = defineLevel<Make>({
  kata: "q3-isolates",
  level: 6,
  load: (m) => {
    const Ctor = requireExport<new (realNowMs: number) => Clock>(m, "SpectreClock", "class");
    return (realNowMs) => new Ctor(realNowMs);
  },
  probe: (make) => make(0).now(),
  properties: [
    {
      name: "no worker can time a synchronous code path: reads with no I/O in between are equal",
      run: (make, ctx) =>
        check(
          fc.property(startMs, steps, (start, plan) => {
            const clock = make(start);
            let real = start;
            for (const step of plan) {
              if (step.kind === "io") {
                real += step.deltaMs;
                clock.onIo(real);
                continue;
              }
              const first = clock.now();
              for (let i = 1; i < step.reads; i++) {
                spin();
                const again = clock.now();
                if (again !== first) throw new Error(`two reads with no I/O between them differ: ${first} then ${again} (a measurable ${again - first} ms)`);
              }
            }
          }),
          ctx,
          { numRuns: 60 },
        ),
    },
    {
      name: "time never decreases, even when the host's real clock steps back",
      run: (make, ctx) =>
        check(
          fc.property(startMs, steps, (start, plan) => {
            const clock = make(start);
            let real = start;
            let last = clock.now();
            for (const step of plan) {
              if (step.kind === "io") {
                real += step.deltaMs;
                clock.onIo(real);
              }
              const t = clock.now();
              if (t < last) throw new Error(`time went back from ${last} to ${t} (I/O at real time ${real})`);
              last = t;
            }
          }),
          ctx,
          { numRuns: 200 },
        ),
    },
    {
      name: "time still advances across I/O: after each I/O it is the latest real time seen",
      run: (make, ctx) =>
        check(
          fc.property(startMs, steps, (start, plan) => {
            const clock = make(start);
            let real = start;
            let latest = start;
            for (const step of plan) {
              if (step.kind !== "io") continue;
              real += step.deltaMs;
              latest = Math.max(latest, real);
              clock.onIo(real);
              const t = clock.now();
              if (t !== latest) throw new Error(`after I/O at real time ${real} (latest ${latest}) now() is ${t}`);
            }
          }),
          ctx,
          {
            numRuns: 200,
            // Exact values: the arrival counts as seen, fractions are kept, a step back changes nothing.
            examples: [
              [1_700_000_000_000.5, [{ kind: "io", deltaMs: -0.25 }, { kind: "io", deltaMs: 0.5 }, { kind: "io", deltaMs: 0 }, { kind: "io", deltaMs: -1000 }, { kind: "io", deltaMs: 1000.5 }]],
              [1234, [{ kind: "io", deltaMs: -1 }, { kind: "io", deltaMs: 1 }, { kind: "io", deltaMs: 0.001 }]],
            ],
          },
        ),
    },
    {
      name: "two requests' clocks side by side never share time: each is the highest real time it was told",
      run: (make, ctx) =>
        check(
          fc.property(startMs, steps, startMs, steps, fc.array(fc.boolean(), { minLength: 50, maxLength: 50 }), (startA, planA, startB, planB, turns) => {
            const clocks = [make(startA), make(startB)];
            const plans = [planA.filter((st) => st.kind === "io"), planB.filter((st) => st.kind === "io")];
            const want = [highestSeen(startA, planA), highestSeen(startB, planB)];
            const real = [startA, startB];
            const done = [0, 0];
            for (const [c, start] of [startA, startB].entries()) {
              if (clocks[c]?.now() !== start) throw new Error(`clock ${c} created at ${start} reads ${clocks[c]?.now()} before any I/O`);
            }
            for (let t = 0; done[0] < plans[0].length || done[1] < plans[1].length; t++) {
              const c = done[0] >= plans[0].length ? 1 : done[1] >= plans[1].length ? 0 : turns[t % turns.length] ? 1 : 0;
              const step = plans[c]?.[done[c] ?? 0] as Step & { kind: "io" };
              real[c] = (real[c] ?? 0) + step.deltaMs;
              clocks[c]?.onIo(real[c] ?? 0);
              const expected = want[c]?.[done[c] ?? 0];
              done[c] = (done[c] ?? 0) + 1;
              for (const k of [0, 1]) {
                const got = clocks[k]?.now();
                const w = (done[k] ?? 0) === 0 ? [startA, startB][k] : want[k]?.[(done[k] ?? 1) - 1];
                if (got !== w) throw new Error(`after clock ${c}'s I/O at real time ${real[c]} (its highest is ${expected}), clock ${k} reads ${got}; expected ${w}`);
              }
            }
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
  ],
});
