// Q4 · level 6 · Attack absorption and capacity planning
// A volumetric attack is not "sent to a server": each bot's packets go wherever BGP takes its
// network, so under anycast every PoP receives the attack traffic of the bots in ITS
// catchment. Up to a PoP's ingress capacity everything arrives and is scrubbed, so every
// legitimate packet is delivered; beyond it the link itself saturates and drops legitimate
// and attack packets alike: goodput = legit × capacity / (legit + attack).
//
// Implement
// - `absorb(scenario)`: per PoP, legit = legitGbps × (weight of its networks / all weight) and
//   attack = attackGbps × (bot weight of its networks / all bot weight) (bot weight defaults
//   to the network's weight: bots live where users live); "all" counts every network, those
//   with no route too. Networks with no route (popCode null) lose their legit traffic
//   (`blackholedGbps`) and their bots' attack lands nowhere. Return the same `AttackOutcome`
//   as the platform, field by field: `pops` (every PoP that receives traffic) sorted by code,
//   totals, and goodputFraction (1 when legit is 0). Negative or NaN traffic, or a per-PoP
//   `capacityGbps` record without an own entry for a PoP that receives traffic, throws an Error.
// - `planCapacity(catchment, { legitGbps, attackGbps })`: ingress capacity per PoP code so
//   that at least 99% of the legitimate traffic that has a route survives a botnet spread by
//   population, even when each network's bot share is off by a factor in [0.8, 1.25] — with
//   a total no larger than 2 × (legit + attack). Spreading the total evenly is not enough:
//   catchments are skewed. The plan has an own number for every PoP that receives traffic.
// PoP codes are any strings: "", "__proto__" and "constructor" are PoPs like the others (a
// plain object's `plan[code] = …` silently drops "__proto__").
import type { CatchmentEntry } from "../../src/net/index.js";
import type { AttackOutcome, AttackScenario, PopLoad } from "../../src/ddos/index.js";

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
