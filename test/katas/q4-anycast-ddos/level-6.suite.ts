import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { simulateVolumetricAttack, type AttackOutcome, type AttackScenario } from "../../../src/ddos/index.js";
import type { CatchmentEntry } from "../../../src/net/index.js";
import { hashString } from "../../../src/sim/index.js";
import { fixtureCatchment, POP_SETS } from "./worlds.js";

interface Impl {
  absorb(scenario: AttackScenario): AttackOutcome;
  planCapacity(catchment: readonly CatchmentEntry[], traffic: { legitGbps: number; attackGbps: number }): Record<string, number>;
}

const catchmentArb = fc
  .record({ seed: fc.integer({ min: 1, max: 4 }), set: fc.integer({ min: 0, max: POP_SETS.length - 1 }) })
  .map(({ seed, set }) => fixtureCatchment(seed, POP_SETS[set] as readonly string[]));

/** Bots by population, concentrated in a few networks, or population with a per-network skew. */
const botnetArb: fc.Arbitrary<{ label: string; weight: (e: CatchmentEntry) => number }> = fc.oneof(
  fc.constant({ label: "by population", weight: (e: CatchmentEntry) => e.weight }),
  fc.integer().map((salt) => ({ label: `few networks (salt ${salt})`, weight: (e: CatchmentEntry) => (hashString(String(e.accessNode), salt) % 5 === 0 ? 1 : 0) })),
  fc.integer().map((salt) => ({ label: `skewed population (salt ${salt})`, weight: (e: CatchmentEntry) => e.weight * (0.8 + 0.45 * ((hashString(String(e.accessNode), salt) % 1000) / 999)) })),
);

const scenarioArb = fc.record({
  catchment: catchmentArb,
  legitGbps: fc.oneof(fc.constant(0), fc.double({ min: 1, max: 200, noNaN: true })),
  attackGbps: fc.oneof(fc.constant(0), fc.double({ min: 1, max: 5000, noNaN: true })),
  botnet: botnetArb,
  capacity: fc.oneof(fc.constantFrom(50, 200, 1000), fc.double({ min: 10, max: 3000, noNaN: true })),
});

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
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
            const out = impl.absorb({ catchment: s.catchment, legitGbps: s.legitGbps, attackGbps: s.attackGbps, botWeight: s.botnet.weight, capacityGbps: s.capacity });
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
      name: "delivers all legitimate traffic when every PoP is within capacity, and matches the per-PoP saturation model",
      run: (impl, ctx) =>
        check(
          fc.property(scenarioArb, (s) => {
            const scenario: AttackScenario = { catchment: s.catchment, legitGbps: s.legitGbps, attackGbps: s.attackGbps, botWeight: s.botnet.weight, capacityGbps: s.capacity };
            const out = impl.absorb(scenario);
            const model = simulateVolumetricAttack(scenario);
            if (model.pops.every((p) => p.legitGbps + p.attackGbps <= p.capacityGbps) && !close(out.goodputGbps, s.legitGbps - model.blackholedGbps))
              throw new Error(`no PoP is over capacity, yet only ${out.goodputGbps} of ${s.legitGbps} Gbps legitimate traffic was delivered`);
            if (!close(out.goodputGbps, model.goodputGbps) || !close(out.blackholedGbps, model.blackholedGbps))
              throw new Error(`goodput ${out.goodputGbps} Gbps (blackholed ${out.blackholedGbps}); the per-PoP model gives ${model.goodputGbps} (blackholed ${model.blackholedGbps}) — ${s.botnet.label}, capacity ${s.capacity}`);
            const over = model.pops.filter((p) => p.overloaded).map((p) => p.popCode).join(",");
            const mine = out.pops.filter((p) => p.overloaded).map((p) => p.popCode).join(",");
            if (over !== mine) throw new Error(`overloaded PoPs: ${mine || "none"}; expected ${over || "none"}`);
          }),
          ctx,
          { numRuns: 80 },
        ),
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
      name: "the capacity plan keeps 99% goodput against a population-spread botnet within 2× the offered load",
      run: (impl, ctx) =>
        check(
          fc.property(catchmentArb, fc.double({ min: 1, max: 200, noNaN: true }), fc.double({ min: 10, max: 10_000, noNaN: true }), fc.integer(), (catchment, legitGbps, attackGbps, salt) => {
            const plan = impl.planCapacity(catchment, { legitGbps, attackGbps });
            const total = Object.values(plan).reduce((t, v) => t + v, 0);
            if (total > 2 * (legitGbps + attackGbps) * (1 + 1e-9)) throw new Error(`the plan provisions ${total} Gbps; the budget is ${2 * (legitGbps + attackGbps)}`);
            const skew = (e: CatchmentEntry): number => e.weight * (0.8 + 0.45 * ((hashString(String(e.accessNode), salt) % 1000) / 999));
            const out = simulateVolumetricAttack({ catchment, legitGbps, attackGbps, botWeight: skew, capacityGbps: plan });
            if (out.goodputFraction < 0.99) {
              const worst = [...out.pops].sort((a, b) => a.goodputGbps / a.legitGbps - b.goodputGbps / b.legitGbps)[0];
              throw new Error(`goodput ${(100 * out.goodputFraction).toFixed(2)}% < 99%; worst PoP ${worst?.popCode}: ${worst?.legitGbps.toFixed(1)} legit + ${worst?.attackGbps.toFixed(1)} attack on ${worst?.capacityGbps.toFixed(1)} Gbps`);
            }
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
  ],
});
