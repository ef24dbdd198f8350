// Q4 · level 3 · Anycast catchments and failover
// Anycast is nothing more than BGP: every PoP announces the SAME prefix from the SAME ASN, and
// each eyeball network's own best-path choice decides which PoP its packets reach. The set of
// networks that reach a PoP is its "catchment". Nobody computes "the nearest PoP": policy
// (customer > peer > provider), AS-path length and tie-breaks do, and the map rarely agrees.
//
// Implement `AnycastCatchments` over an `AsGraph` from `generateAsGraph` (edge nodes carry a
// `popCode`, eyeball networks are `kind: "access"`). Use the platform's `BgpNetwork` as the
// routing engine (the suite compares with it):
// - `announce(popCodes)` starts announcing the prefix from those PoPs (too) and converges; PoPs
//   announced before keep announcing, and announcing one twice changes nothing;
// - `withdraw(popCode)` stops one PoP (maintenance, overload) and converges; withdrawing a PoP
//   that does not announce changes nothing;
// - `catchment()` maps every access node id (every node of kind "access") to the PoP code its
//   traffic reaches, or null when it has no route (before any announcement, after the last
//   withdrawal).
// A code that names no PoP of the graph (a PoP is an edge node with that `popCode`; codes are
// any strings, "" and "__proto__" included) makes `announce` or `withdraw` throw an Error and
// change nothing, not even the other codes of the same call.
// Constraints: a withdrawal must move exactly the clients of that PoP, each to another PoP.
// Hints: `npm run kata -- hint q4/3`. Grade: `npm run kata -- check q4/3`.
import type { AsGraph } from "../../src/net/index.js";
import { NotImplemented } from "../../src/kata/not-implemented.js";

export class AnycastCatchments {
  constructor(readonly graph: AsGraph) {}

  announce(popCodes: readonly string[]): void {
    // TODO: originate the prefix at each PoP's edge node, then run BGP to convergence.
    throw new NotImplemented("AnycastCatchments.announce");
  }

  withdraw(popCode: string): void {
    // TODO: withdraw the PoP's origin and re-converge.
    throw new NotImplemented("AnycastCatchments.withdraw");
  }

  catchment(): ReadonlyMap<number, string | null> {
    // TODO: for each access node, the popCode of the node that originated its best route.
    throw new NotImplemented("AnycastCatchments.catchment");
  }
}
