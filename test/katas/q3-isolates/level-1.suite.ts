import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";

type Kind = "isolate" | "container";
const PHASES = ["processSpawnMs", "runtimeBootMs", "snapshotDeserializeMs", "scriptCompileMs", "instantiateMs", "firstRequestMs"] as const;
type Phase = (typeof PHASES)[number];
type Breakdown = Record<Phase, number>;

interface Model {
  coldStartMs(model: Breakdown, kind: Kind): number;
  warmStartMs(model: Breakdown, kind: Kind): number;
  ratio(model: Breakdown): number;
}

const KINDS: readonly Kind[] = ["isolate", "container"];

/**
 * Phase costs biased to 0 and to one phase dwarfing the others, where wrong sums show, up to
 * realistic container figures (an image pull and a JVM boot take seconds).
 */
const phaseMs = fc.oneof(
  { arbitrary: fc.constant(0), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 2 },
  { arbitrary: fc.double({ min: 0, max: 500, noNaN: true }), weight: 3 },
  { arbitrary: fc.double({ min: 500, max: 10_000, noNaN: true }), weight: 1 },
);
const breakdown: fc.Arbitrary<Breakdown> = fc.record({
  processSpawnMs: phaseMs,
  runtimeBootMs: phaseMs,
  snapshotDeserializeMs: phaseMs,
  scriptCompileMs: phaseMs,
  instantiateMs: phaseMs,
  // The request always costs something (the level says > 0), so the isolate's cold start (the ratio's divisor) is positive.
  firstRequestMs: fc.oneof(fc.constantFrom(0.001, 1), fc.double({ min: 0.01, max: 50, noNaN: true })),
});
/** Every phase alone (the others 0), then figures like the ones measured for the book. */
const EXAMPLES: Breakdown[] = [
  ...PHASES.map((only) => Object.fromEntries(PHASES.map((p) => [p, p === only || p === "firstRequestMs" ? 5 : 0])) as Breakdown),
  { processSpawnMs: 120, runtimeBootMs: 45, snapshotDeserializeMs: 4, scriptCompileMs: 2.5, instantiateMs: 0.5, firstRequestMs: 1 },
];

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function sum(m: Breakdown, phases: readonly Phase[]): number {
  return phases.reduce((s, p) => s + m[p], 0);
}

export const suite = defineLevel<Model>({
  kata: "q3-isolates",
  level: 1,
  load: (m) => ({
    coldStartMs: requireExport<Model["coldStartMs"]>(m, "coldStartMs"),
    warmStartMs: requireExport<Model["warmStartMs"]>(m, "warmStartMs"),
    ratio: requireExport<Model["ratio"]>(m, "ratio"),
  }),
  probe: (impl) => impl.coldStartMs({ processSpawnMs: 1, runtimeBootMs: 1, snapshotDeserializeMs: 1, scriptCompileMs: 1, instantiateMs: 1, firstRequestMs: 1 }, "isolate"),
  properties: [
    {
      name: "cold and warm start never decrease when any phase gets slower",
      run: (impl, ctx) =>
        check(
          fc.property(breakdown, fc.constantFrom(...PHASES), fc.double({ min: 0, max: 200, noNaN: true }), (m, phase, extraMs) => {
            const slower = { ...m, [phase]: m[phase] + extraMs };
            for (const kind of KINDS) {
              if (impl.coldStartMs(slower, kind) < impl.coldStartMs(m, kind)) throw new Error(`${kind} cold start fell when ${phase} grew by ${extraMs} ms`);
              if (impl.warmStartMs(slower, kind) < impl.warmStartMs(m, kind)) throw new Error(`${kind} warm start fell when ${phase} grew by ${extraMs} ms`);
            }
          }),
          ctx,
          { numRuns: 200 },
        ),
    },
    {
      name: "a warm start never costs more than a cold one, and a container never starts faster than an isolate",
      run: (impl, ctx) =>
        check(
          fc.property(breakdown, (m) => {
            for (const kind of KINDS) {
              const warm = impl.warmStartMs(m, kind);
              const cold = impl.coldStartMs(m, kind);
              if (warm > cold) throw new Error(`${kind}: warm ${warm} ms > cold ${cold} ms`);
            }
            const iso = impl.coldStartMs(m, "isolate");
            const con = impl.coldStartMs(m, "container");
            if (con < iso) throw new Error(`container cold ${con} ms < isolate cold ${iso} ms with spawn ${m.processSpawnMs} ms ≥ 0`);
          }),
          ctx,
          { numRuns: 200 },
        ),
    },
    {
      name: "each kind pays exactly its phases: the isolate skips spawn and boot, a warm start pays only the request",
      run: (impl, ctx) =>
        check(
          fc.property(breakdown, (m) => {
            const expected: Array<[string, number, number]> = [
              ["isolate cold", impl.coldStartMs(m, "isolate"), sum(m, PHASES.slice(2))],
              ["container cold", impl.coldStartMs(m, "container"), sum(m, PHASES)],
              ["isolate warm", impl.warmStartMs(m, "isolate"), m.firstRequestMs],
              ["container warm", impl.warmStartMs(m, "container"), m.firstRequestMs],
            ];
            for (const [what, got, want] of expected) if (!close(got, want)) throw new Error(`${what}: got ${got} ms, expected ${want} ms`);
          }),
          ctx,
          { numRuns: 200, examples: EXAMPLES.map((m) => [m]) },
        ),
    },
    {
      name: "ratio is container cold start over isolate cold start",
      run: (impl, ctx) =>
        check(
          fc.property(breakdown, (m) => {
            const want = impl.coldStartMs(m, "container") / impl.coldStartMs(m, "isolate");
            const got = impl.ratio(m);
            const exact = sum(m, PHASES) / sum(m, PHASES.slice(2));
            if (!close(got, want) || !close(got, exact)) throw new Error(`ratio ${got}; container cold over isolate cold is ${exact}`);
            if (got < 1) throw new Error(`ratio ${got} < 1: a container would start faster than an isolate`);
          }),
          ctx,
          { numRuns: 200, examples: EXAMPLES.map((m) => [m]) },
        ),
    },
  ],
});
