import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";

interface Clock {
  onIo(realNowMs: number): void;
  now(): number;
}
type Make = (realNowMs: number) => Clock;

/** A worker's life: synchronous stretches of reads, separated by I/O at a real time that may step back. */
type Step = { kind: "io"; deltaMs: number } | { kind: "sync"; reads: number };
const steps = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant("io" as const), deltaMs: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constantFrom(0, -1, -1000), fc.double({ min: 0, max: 5, noNaN: true })) }),
    fc.record({ kind: fc.constant("sync" as const), reads: fc.integer({ min: 2, max: 5 }) }),
  ),
  { minLength: 1, maxLength: 25 },
);
const startMs = fc.oneof(fc.constant(0), fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }));

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
          { numRuns: 200 },
        ),
    },
  ],
});
