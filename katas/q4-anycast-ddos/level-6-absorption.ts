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
// Hints: `npm run kata -- hint q4/6`. Grade: `npm run kata -- check q4/6`.
import type { CatchmentEntry } from "../../src/net/index.js";
import type { AttackOutcome, AttackScenario } from "../../src/ddos/index.js";
import { NotImplemented } from "../../src/kata/not-implemented.js";

export function absorb(scenario: AttackScenario): AttackOutcome {
  // TODO: sum legit and attack per PoP over its catchment, then apply each PoP's capacity.
  throw new NotImplemented("absorb");
}

export function planCapacity(catchment: readonly CatchmentEntry[], traffic: { legitGbps: number; attackGbps: number }): Record<string, number> {
  // TODO: capacity per PoP from its share of the population, with headroom for the botnet's skew.
  throw new NotImplemented("planCapacity");
}
