import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { simulateVolumetricAttack, type AttackOutcome, type AttackScenario } from "../../../src/ddos/index.js";
import type { CatchmentEntry } from "../../../src/net/index.js";
import { hashString } from "../../../src/sim/index.js";
import { ADVERSARIAL_POP_CODES, FIXTURE_POP_CODES, fixtureCatchment, POP_SETS } from "./worlds.js";

interface Impl {
  absorb(scenario: AttackScenario): AttackOutcome;
  planCapacity(catchment: readonly CatchmentEntry[], traffic: { legitGbps: number; attackGbps: number }): Record<string, number>;
}

/**
 * A catchment of the 16-PoP fixture: a few announcing sets; one in three with PoPs renamed to
 * adversarial codes (`__proto__`, `constructor`, ""); some with networks that have no route
 * (popCode null), a few with none routed at all.
 */
const catchmentArbWith = (renamedArb: fc.Arbitrary<boolean>): fc.Arbitrary<CatchmentEntry[]> => fc
  .record({
    seed: fc.integer({ min: 1, max: 4 }),
    set: fc.integer({ min: 0, max: POP_SETS.length - 1 }),
    renamed: renamedArb,
    unrouted: fc.oneof(
      { weight: 3, arbitrary: fc.constant("none" as const) },
      { weight: 3, arbitrary: fc.constant("some" as const) },
      { weight: 1, arbitrary: fc.constant("all" as const) },
    ),
    salt: fc.integer(),
  })
  .map(({ seed, set, renamed, unrouted, salt }): CatchmentEntry[] => {
    const rename = new Map(FIXTURE_POP_CODES.map((code, i) => [code, renamed ? (ADVERSARIAL_POP_CODES[i] ?? code) : code]));
    return fixtureCatchment(seed, POP_SETS[set] as readonly string[]).map((e) => {
      const lost = unrouted === "all" || (unrouted === "some" && hashString(String(e.accessNode), salt) % 3 === 0);
      return { ...e, popCode: lost || e.popCode === null ? null : (rename.get(e.popCode) ?? e.popCode) };
    });
  });
const catchmentArb = catchmentArbWith(fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }));

/** Bots by population, concentrated in a few networks, or population with a per-network skew. */
const botnetArb: fc.Arbitrary<{ label: string; weight: (e: CatchmentEntry) => number }> = fc.oneof(
  fc.constant({ label: "by population", weight: (e: CatchmentEntry) => e.weight }),
  fc.integer().map((salt) => ({ label: `few networks (salt ${salt})`, weight: (e: CatchmentEntry) => (hashString(String(e.accessNode), salt) % 5 === 0 ? 1 : 0) })),
  fc.integer().map((salt) => ({ label: `skewed population (salt ${salt})`, weight: (e: CatchmentEntry) => e.weight * (0.8 + 0.45 * ((hashString(String(e.accessNode), salt) % 1000) / 999)) })),
);

/** Gbps from a trickle to a large flood (tens of Tbps), zero included. */
const gbpsArb = (small: number, large: number): fc.Arbitrary<number> =>
  fc.oneof(fc.constant(0), fc.double({ min: 1, max: small, noNaN: true }), fc.double({ min: small, max: large, noNaN: true }));

const scenarioArb = fc.record({
  catchment: catchmentArb,
  legitGbps: gbpsArb(200, 20_000),
  attackGbps: gbpsArb(5000, 50_000),
  botnet: botnetArb,
  // One capacity for every PoP, or a record per PoP code (own properties, `__proto__` included).
  capacity: fc.oneof(
    fc.constantFrom(50, 200, 1000),
    fc.double({ min: 10, max: 3000, noNaN: true }),
    fc.double({ min: 3000, max: 100_000, noNaN: true }),
    fc.tuple(fc.integer(), fc.double({ min: 10, max: 20_000, noNaN: true })).map(([salt, scale]) => ({ salt, scale })),
  ),
});

/** The scenario's capacity: a number, or a record with an own property per PoP code. */
function capacityOf(catchment: readonly CatchmentEntry[], capacity: number | { salt: number; scale: number }): number | Record<string, number> {
  if (typeof capacity === "number") return capacity;
  const codes = new Set(catchment.flatMap((e) => (e.popCode === null ? [] : [e.popCode])));
  return Object.fromEntries([...codes].map((code) => [code, capacity.scale * (0.1 + (hashString(code, capacity.salt) % 1000) / 500)]));
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The whole outcome, PoP by PoP in code order, against the platform's per-PoP model. */
function expectOutcome(out: AttackOutcome, model: AttackOutcome, label: string): void {
  const codes = (o: AttackOutcome): string => JSON.stringify(o.pops.map((p) => p.popCode));
  if (codes(out) !== codes(model)) throw new Error(`${label}: pops ${codes(out)}; expected ${codes(model)} (every PoP that receives traffic, sorted by code)`);
  for (const [i, want] of model.pops.entries()) {
    const got = out.pops[i] as (typeof out.pops)[number];
    for (const field of ["legitGbps", "attackGbps", "capacityGbps", "goodputGbps"] as const)
      if (!close(got[field], want[field])) throw new Error(`${label}: PoP ${JSON.stringify(want.popCode)} has ${field} ${got[field]}; the per-PoP model gives ${want[field]}`);
    if (got.overloaded !== want.overloaded) throw new Error(`${label}: PoP ${JSON.stringify(want.popCode)} overloaded = ${got.overloaded}; the per-PoP model says ${want.overloaded}`);
  }
  for (const field of ["legitGbps", "goodputGbps", "goodputFraction", "blackholedGbps"] as const)
    if (!close(out[field], model[field])) throw new Error(`${label}: ${field} is ${out[field]}; the per-PoP model gives ${model[field]}`);
}

export const suite = defineLevel<Impl>({
  kata: "q4-anycast-ddos",
  level: 6,
  load: (m) => ({ absorb: requireExport<Impl["absorb"]>(m, "absorb"), planCapacity: requireExport<Impl["planCapacity"]>(m, "planCapacity") }),
  probe: (impl) => impl.absorb({ catchment: [], legitGbps: 0, attackGbps: 0, capacityGbps: 1 }),
  properties: [
    {
      name: "each PoP's attack load is the sum over the bots in its catchment, and nothing is lost",
      run: (impl, ctx) =>
        check(
          fc.property(scenarioArb, (s) => {
            const out = impl.absorb({ catchment: s.catchment, legitGbps: s.legitGbps, attackGbps: s.attackGbps, botWeight: s.botnet.weight, capacityGbps: capacityOf(s.catchment, s.capacity) });
            const bots = s.catchment.reduce((t, e) => t + s.botnet.weight(e), 0);
            const byPop = new Map<string, number>();
            for (const e of s.catchment) if (e.popCode !== null) byPop.set(e.popCode, (byPop.get(e.popCode) ?? 0) + (bots > 0 ? (s.attackGbps * s.botnet.weight(e)) / bots : 0));
            for (const p of out.pops) {
              if (!close(p.attackGbps, byPop.get(p.popCode) ?? 0))
                throw new Error(`${p.popCode} receives ${p.attackGbps} Gbps of attack; its catchment's bots send ${byPop.get(p.popCode) ?? 0} (${s.botnet.label})`);
            }
            const landed = out.pops.reduce((t, p) => t + p.attackGbps, 0);
            const routed = [...byPop.values()].reduce((t, v) => t + v, 0);
            if (!close(landed, routed)) throw new Error(`${landed} Gbps of attack landed on PoPs; ${routed} Gbps was routed to them`);
          }),
          ctx,
          { numRuns: 60 },
        ),
    },
    {
      name: "delivers all routed legitimate traffic when every PoP is within capacity, and matches the per-PoP model in every field (no-route networks, zero traffic, PoP codes like `__proto__`)",
      run: (impl, ctx) =>
        check(
          fc.property(scenarioArb, (s) => {
            const scenario: AttackScenario = { catchment: s.catchment, legitGbps: s.legitGbps, attackGbps: s.attackGbps, botWeight: s.botnet.weight, capacityGbps: capacityOf(s.catchment, s.capacity) };
            const out = impl.absorb(scenario);
            const model = simulateVolumetricAttack(scenario);
            const label = `${s.legitGbps} Gbps legit, ${s.attackGbps} Gbps attack, ${s.botnet.label}, capacity ${JSON.stringify(scenario.capacityGbps)}`;
            if (model.pops.every((p) => p.legitGbps + p.attackGbps <= p.capacityGbps) && !close(out.goodputGbps, s.legitGbps - model.blackholedGbps))
              throw new Error(`${label}: no PoP is over capacity, yet only ${out.goodputGbps} of ${s.legitGbps} Gbps legitimate traffic was delivered`);
            expectOutcome(out, model, label);
          }),
          ctx,
          { numRuns: 80 },
        ),
    },
    {
      name: "matches the per-PoP model at the edges: a PoP loaded exactly to its capacity, networks of zero weight, no bots at all, a PoP with no capacity",
      run: (impl) => {
        const entries = (weights: number[], codes: Array<string | null> = ["A", "B"]): CatchmentEntry[] =>
          weights.map((weight, i) => ({ accessNode: i + 1, clientId: `c${i}`, weight, popCode: codes[i % codes.length] ?? null }));
        const cases: Array<{ label: string; scenario: AttackScenario }> = [
          // Exactly at capacity nothing is dropped: overloaded means offered > capacity.
          { label: "30 + 70 Gbps into a 100 Gbps PoP", scenario: { catchment: entries([1]), legitGbps: 30, attackGbps: 70, capacityGbps: 100 } },
          { label: "exactly at one PoP's own capacity", scenario: { catchment: entries([1, 3]), legitGbps: 40, attackGbps: 60, capacityGbps: { A: 25, B: 74 } } },
          // Every network of weight 0: no share of the traffic lands anywhere (not 0/0).
          { label: "all networks of weight 0", scenario: { catchment: entries([0, 0, 0]), legitGbps: 10, attackGbps: 10, capacityGbps: 100 } },
          { label: "no bots anywhere (bot weight 0)", scenario: { catchment: entries([1, 2, 3]), legitGbps: 10, attackGbps: 500, botWeight: () => 0, capacityGbps: 100 } },
          { label: "a PoP with no capacity", scenario: { catchment: entries([1, 3]), legitGbps: 30, attackGbps: 70, capacityGbps: 0 } },
        ];
        for (const { label, scenario } of cases) expectOutcome(impl.absorb(scenario), simulateVolumetricAttack(scenario), label);
        // A plan over networks that all weigh 0 still gives numbers, not NaN.
        const plan = impl.planCapacity(entries([0, 0]), { legitGbps: 10, attackGbps: 10 });
        for (const [code, value] of Object.entries(plan)) if (!Number.isFinite(value) || value < 0) throw new Error(`planCapacity over networks of weight 0 gave PoP ${JSON.stringify(code)} ${value}; expected a finite number >= 0`);
      },
    },
    {
      name: "unicast drops legitimate traffic as soon as the attack exceeds the one PoP's capacity",
      run: (impl, ctx) =>
        check(
          fc.property(fc.integer({ min: 1, max: 4 }), fc.double({ min: 1, max: 100, noNaN: true }), fc.double({ min: 1.01, max: 20, noNaN: true }), (seed, legit, factor) => {
            const capacity = 100;
            const out = impl.absorb({ catchment: fixtureCatchment(seed, ["IAD"]), legitGbps: legit, attackGbps: capacity * factor, capacityGbps: capacity });
            if (!(out.goodputFraction < 1)) throw new Error(`an attack of ${capacity * factor} Gbps on one ${capacity} Gbps PoP left goodput at ${out.goodputFraction}`);
          }),
          ctx,
          { numRuns: 30 },
        ),
    },
    {
      name: "the capacity plan keeps 99% of routed goodput against a population-spread botnet within 2× the offered load",
      run: (impl, ctx) =>
        check(
          fc.property(catchmentArbWith(fc.constant(false)), gbpsArb(200, 20_000), fc.double({ min: 10, max: 50_000, noNaN: true }), fc.integer(), (catchment, legitGbps, attackGbps, salt) => {
            const plan = impl.planCapacity(catchment, { legitGbps, attackGbps });
            const total = Object.values(plan).reduce((t, v) => t + v, 0);
            if (!(total <= 2 * (legitGbps + attackGbps) * (1 + 1e-9))) throw new Error(`the plan provisions ${total} Gbps; the budget is ${2 * (legitGbps + attackGbps)}`);
            const skew = (e: CatchmentEntry): number => e.weight * (0.8 + 0.45 * ((hashString(String(e.accessNode), salt) % 1000) / 999));
            const out = simulateVolumetricAttack({ catchment, legitGbps, attackGbps, botWeight: skew, capacityGbps: plan });
            // Networks with no route lose their traffic whatever the plan: judge the routed part.
            const routed = legitGbps - out.blackholedGbps;
            if (routed > 1e-9 * legitGbps && out.goodputGbps < 0.99 * routed) {
              const worst = [...out.pops].sort((a, b) => a.goodputGbps / a.legitGbps - b.goodputGbps / b.legitGbps)[0];
              throw new Error(`goodput ${((100 * out.goodputGbps) / routed).toFixed(2)}% of routed legit traffic < 99%; worst PoP ${JSON.stringify(worst?.popCode)}: ${worst?.legitGbps.toFixed(1)} legit + ${worst?.attackGbps.toFixed(1)} attack on ${worst?.capacityGbps.toFixed(1)} Gbps`);
            }
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
    {
      name: "the capacity plan has an own, non-negative number for every PoP that receives traffic, PoPs named `__proto__`, `constructor` and \"\" included",
      run: (impl, ctx) =>
        check(
          fc.property(catchmentArbWith(fc.constant(true)), gbpsArb(200, 20_000), fc.double({ min: 10, max: 50_000, noNaN: true }), (catchment, legitGbps, attackGbps) => {
            const plan = impl.planCapacity(catchment, { legitGbps, attackGbps });
            const codes = new Set(catchment.flatMap((e) => (e.popCode === null ? [] : [e.popCode])));
            for (const code of codes) {
              const value: unknown = Object.hasOwn(plan, code) ? plan[code] : undefined;
              if (typeof value !== "number" || !(value >= 0)) throw new Error(`the plan has no capacity for PoP ${JSON.stringify(code)} (own property: ${JSON.stringify(value)}); plan: ${JSON.stringify(plan)}`);
            }
          }),
          ctx,
          { numRuns: 20 },
        ),
    },
    {
      name: "negative or NaN traffic, and a capacity record without an own entry for a PoP that receives traffic (`constructor`, `__proto__`), throw an Error",
      run: (impl, ctx) =>
        check(
          fc.property(catchmentArb, fc.constantFrom(-1, -Number.MIN_VALUE, Number.NaN, -50_000), fc.boolean(), fc.nat(), (catchment, bad, badLegit, pick) => {
            const threw = (fn: () => unknown): boolean => {
              try {
                fn();
              } catch (error) {
                return error instanceof Error;
              }
              return false;
            };
            const legitGbps = badLegit ? bad : 10;
            const attackGbps = badLegit ? 100 : bad;
            if (!threw(() => impl.absorb({ catchment, legitGbps, attackGbps, capacityGbps: 100 })))
              throw new Error(`absorb() accepted legit ${legitGbps} and attack ${attackGbps} Gbps without throwing an Error`);
            const codes = [...new Set(catchment.flatMap((e) => (e.popCode === null ? [] : [e.popCode])))];
            if (codes.length === 0) return;
            const missing = codes[pick % codes.length] as string;
            const capacity = Object.fromEntries(codes.filter((c) => c !== missing).map((c) => [c, 1000]));
            if (!threw(() => impl.absorb({ catchment, legitGbps: 10, attackGbps: 100, capacityGbps: capacity })))
              throw new Error(`absorb() ran with no capacity for PoP ${JSON.stringify(missing)} in ${JSON.stringify(capacity)} without throwing an Error`);
          }),
          ctx,
          { numRuns: 30 },
        ),
    },
  ],
});
