import fc from "fast-check";
import { check, defineLevel, PictureFailure, requireExport } from "../../../src/kata/index.js";
import { checkLinearizable, counterModel } from "../../../src/lin/index.js";
import { renderTimeline } from "../../../src/lin/timeline.js";
import { type CounterOperation, runKvCounter } from "./kv-counter.js";
import { KV_POPS } from "./kv-world.js";

interface Increment {
  pop: string;
  atMs: number;
}
interface Impl {
  lostUpdateScenario: (pops: readonly string[]) => Increment[];
  diagnose: (history: readonly CounterOperation[]) => string;
}

const INCREMENTS_MAX = 50;
const SCENARIO_MS_MAX = 600_000;

/** A seeded world: which PoPs (2..6 of the big ones, in any order, some sharing a regional tier) and the seed of KV's own-write exception. */
const world = fc.record({
  pops: fc.shuffledSubarray([...KV_POPS], { minLength: 2, maxLength: 6 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

function validate(pops: readonly string[], scenario: Increment[]): void {
  if (!Array.isArray(scenario) || scenario.length === 0 || scenario.length > INCREMENTS_MAX) {
    throw new Error(`the scenario must have 1..${INCREMENTS_MAX} increments; got ${Array.isArray(scenario) ? scenario.length : typeof scenario}`);
  }
  for (const inc of scenario) {
    if (!pops.includes(inc.pop)) throw new Error(`increment at PoP "${inc.pop}", which is not one of this world's PoPs ${pops.join(",")}`);
    if (!(Number.isFinite(inc.atMs) && inc.atMs >= 0 && inc.atMs <= SCENARIO_MS_MAX)) throw new Error(`increment at t=${inc.atMs} ms; times must be in [0, ${SCENARIO_MS_MAX}]`);
  }
}

/**
 * Worlds graded first, before the random ones: the most PoPs (six, so a scenario that scales
 * with the PoP count meets the 50-increment cap), two PoPs behind one regional tier (LHR and
 * FRA: the second reads the tier's copy, not the central store) and two on different
 * continents.
 */
const WORLD_EDGES = [
  { pops: ["SYD", "GRU", "JNB", "LHR", "IAD", "NRT"], seed: 1 },
  { pops: ["LHR", "FRA"], seed: 2 },
  { pops: ["SIN", "NRT"], seed: 3 },
  { pops: ["IAD", "SYD"], seed: 4 },
];

/** Random increments against the KV counter, for grading `diagnose` on histories it did not choose. */
const randomIncrements = fc.array(fc.record({ pop: fc.constantFrom("LHR", "IAD", "NRT"), atMs: fc.constantFrom(0, 500, 1_000, 2_000, 30_000, 90_000) }), { minLength: 2, maxLength: 8 });

function checkDiagnosis(diagnosis: string, history: readonly CounterOperation[]): void {
  if (typeof diagnosis !== "string" || !/lost update/i.test(diagnosis)) throw new Error(`diagnosis ${JSON.stringify(diagnosis)} must name the anomaly ("lost update")`);
  const named = history.filter((op) => op.input.kind === "increment").filter((op) => new RegExp(`(^|[^\\w#])${String(op.clientId).replace(/[#]/g, "\\#")}(?![\\w#])`).test(diagnosis));
  const twins = named.some((a) => named.some((b) => a !== b && a.output === b.output));
  if (!twins) throw new Error(`diagnosis ${JSON.stringify(diagnosis)} must name two clients whose increments returned the same value; history: ${history.map((o) => `${o.clientId}:${o.input.kind}->${o.output}`).join(", ")}`);
}

/**
 * The history with a reader in front: a `read` that returned the first increment's value,
 * called and answered at that increment's return. A history the checker rejects stays rejected
 * with more operations in it, and a read that saw a value is no increment that returned it.
 */
function withReader(history: readonly CounterOperation[]): CounterOperation[] {
  const first = history.find((op) => op.input.kind === "increment");
  if (first === undefined) return [...history];
  return [{ clientId: "reader#0", input: { kind: "read" }, output: first.output, call: first.ret, ret: first.ret }, ...history];
}

export const suite = defineLevel<Impl>({
  kata: "q2-kv-vs-do",
  level: 2,
  load: (m) => ({ lostUpdateScenario: requireExport<Impl["lostUpdateScenario"]>(m, "lostUpdateScenario"), diagnose: requireExport<Impl["diagnose"]>(m, "diagnose") }),
  probe: (impl) => impl.lostUpdateScenario(["LHR", "IAD"]),
  properties: [
    {
      name: "the scenario's history on the KV counter is rejected by the linearizability checker on every seeded world",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(world, async ({ pops, seed }) => {
            const scenario = impl.lostUpdateScenario(pops);
            validate(pops, scenario);
            const { history, rateLimited } = await runKvCounter(seed, pops, scenario);
            const verdict = checkLinearizable(counterModel(), history);
            if (verdict.ok !== false) {
              throw new PictureFailure(
                `the checker found the history linearizable (${rateLimited} increments were refused with 429): ${history.map((o) => `${o.clientId}@${o.call}->${o.output}`).join(", ")}`,
                () => renderTimeline(history, verdict, { model: counterModel(), title: "q2/2: the scenario's KV counter history, which the checker could linearize", timeUnit: "ms" }),
              );
            }
          }),
          ctx,
          { numRuns: 40, examples: WORLD_EDGES.map((w) => [w]) },
        ),
    },
    {
      name: "diagnose names the lost update and two increments (not reads) that returned the same value",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(world, randomIncrements, async ({ pops, seed }, extra) => {
            const scenario = impl.lostUpdateScenario(pops);
            validate(pops, scenario);
            const own = await runKvCounter(seed, pops, scenario);
            if (checkLinearizable(counterModel(), own.history).ok === false) checkDiagnosis(impl.diagnose(own.history), own.history);
            // Also on histories the learner did not choose.
            const other = await runKvCounter(seed, ["LHR", "IAD", "NRT"], extra);
            if (checkLinearizable(counterModel(), other.history).ok === false) checkDiagnosis(impl.diagnose(other.history), other.history);
            // Counter histories have reads too: a read that returned a value is not a second increment.
            const read = withReader(own.history);
            if (checkLinearizable(counterModel(), read).ok === false) checkDiagnosis(impl.diagnose(read), read);
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
  ],
});
