// Mutant: reads a per-PoP capacity with `record[code] ?? 0` and checks no input: a PoP missing from the record silently gets 0 Gbps (or Object.prototype.constructor) instead of an Error, and negative or NaN traffic is accepted.
import type { CatchmentEntry } from "../../../src/net/index.js";
import type { AttackOutcome, AttackScenario, PopLoad } from "../../../src/ddos/index.js";

// A network's bot share can be 1.25 / 0.8 = 1.5625 times its population share after the
// shares are renormalised; plan for that, and no more, to stay within the budget.
const HEADROOM = 1.25 / 0.8;

export function absorb(scenario: AttackScenario): AttackOutcome {
  const { catchment, legitGbps, attackGbps } = scenario;
  const botWeight = scenario.botWeight ?? ((e: CatchmentEntry): number => e.weight);
  const users = catchment.reduce((s, e) => s + e.weight, 0);
  const bots = catchment.reduce((s, e) => s + botWeight(e), 0);
  const byPop = new Map<string, { legit: number; attack: number }>();
  let blackholedGbps = 0;
  for (const e of catchment) {
    const legit = users > 0 ? (legitGbps * e.weight) / users : 0;
    const attack = bots > 0 ? (attackGbps * botWeight(e)) / bots : 0;
    if (e.popCode === null) {
      blackholedGbps += legit;
      continue;
    }
    // The attack lands where the bot's own network routes it: its catchment, nowhere else.
    const load = byPop.get(e.popCode) ?? { legit: 0, attack: 0 };
    load.legit += legit;
    load.attack += attack;
    byPop.set(e.popCode, load);
  }
  const pops = [...byPop.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([popCode, load]): PopLoad => {
      const capacityGbps = capacityOf(scenario.capacityGbps, popCode);
      const offered = load.legit + load.attack;
      // Per PoP, not in aggregate: spare capacity in Tokyo does not help a saturated link in Mumbai.
      const overloaded = offered > capacityGbps;
      const goodputGbps = overloaded ? (load.legit * capacityGbps) / offered : load.legit;
      return { popCode, legitGbps: load.legit, attackGbps: load.attack, capacityGbps, goodputGbps, overloaded };
    });
  const goodputGbps = pops.reduce((s, p) => s + p.goodputGbps, 0);
  return { pops, legitGbps, goodputGbps, goodputFraction: legitGbps > 0 ? goodputGbps / legitGbps : 1, blackholedGbps };
}

/** A PoP's capacity: the one figure for all, or its OWN property in the record ("constructor" is no capacity). */
function capacityOf(capacity: number | Readonly<Record<string, number>>, popCode: string): number {
  return typeof capacity === "number" ? capacity : (capacity[popCode] ?? 0);
}

export function planCapacity(catchment: readonly CatchmentEntry[], traffic: { legitGbps: number; attackGbps: number }): Record<string, number> {
  const total = catchment.reduce((s, e) => s + e.weight, 0);
  // A Map, not a plain object: a PoP named "__proto__" or "constructor" is a PoP like any other.
  const plan = new Map<string, number>();
  for (const e of catchment) {
    if (e.popCode === null || total === 0) continue;
    // Capacity follows each PoP's expected share of users AND bots (both by population).
    const share = e.weight / total;
    plan.set(e.popCode, (plan.get(e.popCode) ?? 0) + share * (traffic.legitGbps + traffic.attackGbps) * HEADROOM);
  }
  // Object.fromEntries defines own properties, so even "__proto__" becomes a real key.
  return Object.fromEntries(plan);
}
