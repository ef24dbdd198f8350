// Mutant: builds the plan in a plain object with `plan[code] ?? 0`, so a PoP named "__proto__" gets no capacity (the assignment sets the prototype) and "constructor" gets a string.
import type { CatchmentEntry } from "../../../src/net/index.js";
import type { AttackOutcome, AttackScenario, PopLoad } from "../../../src/ddos/index.js";

// A network's bot share can be 1.25 / 0.8 = 1.5625 times its population share after the
// shares are renormalised; plan for that, and no more, to stay within the budget.
const HEADROOM = 1.25 / 0.8;

export function absorb(scenario: AttackScenario): AttackOutcome {
  const { catchment, legitGbps, attackGbps } = scenario;
  if (!(legitGbps >= 0) || !(attackGbps >= 0)) throw new RangeError(`traffic must be non-negative, got legit ${legitGbps} and attack ${attackGbps} Gbps`);
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
  const value = typeof capacity === "number" ? capacity : Object.hasOwn(capacity, popCode) ? capacity[popCode] : undefined;
  if (value === undefined || !(value >= 0)) throw new RangeError(`no valid capacity for PoP ${JSON.stringify(popCode)} (got ${value})`);
  return value;
}

export function planCapacity(catchment: readonly CatchmentEntry[], traffic: { legitGbps: number; attackGbps: number }): Record<string, number> {
  const total = catchment.reduce((s, e) => s + e.weight, 0);
  const plan: Record<string, number> = {};
  for (const e of catchment) {
    if (e.popCode === null || total === 0) continue;
    const share = e.weight / total;
    plan[e.popCode] = (plan[e.popCode] ?? 0) + share * (traffic.legitGbps + traffic.attackGbps) * HEADROOM;
  }
  return plan;
}
