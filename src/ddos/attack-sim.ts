import { EdgeError } from "../core/errors.js";
import type { CatchmentEntry } from "../net/anycast.js";

export interface AttackScenario {
  /** Where each eyeball network's packets land (from `AnycastNetwork.catchment()`). */
  catchment: readonly CatchmentEntry[];
  /** Legitimate traffic, spread over the catchment by client weight. */
  legitGbps: number;
  attackGbps: number;
  /** Botnet share per eyeball network. @defaultValue the client weight (bots live where users live) */
  botWeight?: (entry: CatchmentEntry) => number;
  /** Ingress capacity of every PoP, or per PoP code. */
  capacityGbps: number | Readonly<Record<string, number>>;
}

export interface PopLoad {
  readonly popCode: string;
  readonly legitGbps: number;
  readonly attackGbps: number;
  readonly capacityGbps: number;
  readonly goodputGbps: number;
  readonly overloaded: boolean;
}

export interface AttackOutcome {
  readonly pops: readonly PopLoad[];
  readonly legitGbps: number;
  readonly goodputGbps: number;
  /** Share of legitimate traffic delivered; 1 means the attack went unnoticed by users. */
  readonly goodputFraction: number;
  /** Legitimate traffic from eyeball networks with no route at all. */
  readonly blackholedGbps: number;
}

/**
 * A volumetric attack is absorbed where it lands: each PoP receives the attack traffic of the
 * bots in its catchment. Up to capacity everything is scrubbed and legitimate packets pass;
 * beyond it the link itself saturates and drops legitimate and attack packets alike, so
 * goodput falls to legit × capacity / (legit + attack).
 */
export function simulateVolumetricAttack(scenario: AttackScenario): AttackOutcome {
  const { catchment, legitGbps, attackGbps } = scenario;
  if (!(legitGbps >= 0) || !(attackGbps >= 0))
    throw new EdgeError("DDOS_BAD_SCENARIO", 400, `traffic must be non-negative, got legit ${legitGbps} and attack ${attackGbps} Gbps`);
  const botWeight = scenario.botWeight ?? ((e: CatchmentEntry): number => e.weight);
  const userTotal = catchment.reduce((sum, e) => sum + e.weight, 0);
  const botTotal = catchment.reduce((sum, e) => sum + botWeight(e), 0);
  const byPop = new Map<string, { legit: number; attack: number }>();
  let blackholedGbps = 0;
  for (const entry of catchment) {
    const legit = userTotal > 0 ? (legitGbps * entry.weight) / userTotal : 0;
    const attack = botTotal > 0 ? (attackGbps * botWeight(entry)) / botTotal : 0;
    if (entry.popCode === null) {
      blackholedGbps += legit;
      continue;
    }
    const load = byPop.get(entry.popCode) ?? { legit: 0, attack: 0 };
    load.legit += legit;
    load.attack += attack;
    byPop.set(entry.popCode, load);
  }
  const pops = [...byPop.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([popCode, load]) => popLoad(popCode, load.legit, load.attack, capacityOf(scenario.capacityGbps, popCode)));
  const goodputGbps = pops.reduce((sum, p) => sum + p.goodputGbps, 0);
  return { pops, legitGbps, goodputGbps, goodputFraction: legitGbps > 0 ? goodputGbps / legitGbps : 1, blackholedGbps };
}

// ANCHOR: pop-load
function popLoad(popCode: string, legitGbps: number, attackGbps: number, capacityGbps: number): PopLoad {
  const offered = legitGbps + attackGbps;
  const overloaded = offered > capacityGbps;
  const goodputGbps = overloaded ? (legitGbps * capacityGbps) / offered : legitGbps;
  return { popCode, legitGbps, attackGbps, capacityGbps, goodputGbps, overloaded };
}
// ANCHOR_END: pop-load

function capacityOf(capacity: number | Readonly<Record<string, number>>, popCode: string): number {
  const value = typeof capacity === "number" ? capacity : capacity[popCode];
  if (value === undefined || !(value >= 0))
    throw new EdgeError("DDOS_BAD_SCENARIO", 400, `no valid capacity for PoP ${popCode} (got ${value})`);
  return value;
}
