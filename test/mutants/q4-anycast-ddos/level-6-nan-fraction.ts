// Mutant: divides goodput by legit traffic without the documented zero case: a pure attack with legitGbps 0 gives goodputFraction NaN instead of 1. (blind)
import type { CatchmentEntry } from "../../../src/net/index.js";
import type { AttackOutcome, AttackScenario, PopLoad } from "../../../src/ddos/index.js";

/** The botnet's per-network share may be off by ×0.8 … ×1.25, so a PoP's share by up to 1.25 / 0.8. */
const BOT_SKEW = 1.25 / 0.8;

function capacityFor(capacity: AttackScenario["capacityGbps"], popCode: string): number {
  const value = typeof capacity === "number" ? capacity : Object.hasOwn(capacity, popCode) ? capacity[popCode] : undefined;
  if (value === undefined || !(value >= 0)) throw new Error(`no capacity for PoP ${popCode}`);
  return value;
}

export function absorb(scenario: AttackScenario): AttackOutcome {
  const { catchment, legitGbps, attackGbps } = scenario;
  if (!(legitGbps >= 0) || !(attackGbps >= 0)) throw new Error("traffic must be non-negative");
  const botWeight = scenario.botWeight ?? ((e: CatchmentEntry) => e.weight);
  let userTotal = 0;
  let botTotal = 0;
  for (const e of catchment) {
    userTotal += e.weight;
    botTotal += botWeight(e);
  }
  const perPop = new Map<string, { legit: number; attack: number }>();
  let blackholedGbps = 0;
  for (const e of catchment) {
    const legit = userTotal > 0 ? (legitGbps * e.weight) / userTotal : 0;
    const attack = botTotal > 0 ? (attackGbps * botWeight(e)) / botTotal : 0;
    if (e.popCode === null) {
      blackholedGbps += legit;
      continue;
    }
    const load = perPop.get(e.popCode) ?? { legit: 0, attack: 0 };
    load.legit += legit;
    load.attack += attack;
    perPop.set(e.popCode, load);
  }
  const pops: PopLoad[] = [...perPop.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([popCode, load]) => {
      const capacityGbps = capacityFor(scenario.capacityGbps, popCode);
      const offered = load.legit + load.attack;
      const overloaded = offered > capacityGbps;
      const goodputGbps = overloaded ? (load.legit * capacityGbps) / offered : load.legit;
      return { popCode, legitGbps: load.legit, attackGbps: load.attack, capacityGbps, goodputGbps, overloaded };
    });
  const goodputGbps = pops.reduce((sum, p) => sum + p.goodputGbps, 0);
  return { pops, legitGbps, goodputGbps, goodputFraction: goodputGbps / legitGbps, blackholedGbps };
}

export function planCapacity(catchment: readonly CatchmentEntry[], traffic: { legitGbps: number; attackGbps: number }): Record<string, number> {
  const total = traffic.legitGbps + traffic.attackGbps;
  const weightByPop = new Map<string, number>();
  let weightTotal = 0;
  for (const e of catchment) {
    weightTotal += e.weight;
    if (e.popCode === null) continue;
    weightByPop.set(e.popCode, (weightByPop.get(e.popCode) ?? 0) + e.weight);
  }
  const plan: Record<string, number> = {};
  for (const [popCode, weight] of weightByPop) {
    const share = weightTotal > 0 ? weight / weightTotal : 0;
    plan[popCode] = share * total * BOT_SKEW;
  }
  return plan;
}
