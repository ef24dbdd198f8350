import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { AnycastNetwork, type AsGraph } from "../../../src/net/index.js";
import { FIXTURE_POP_CODES, fixtureWorld } from "./worlds.js";

interface Catchments {
  announce(popCodes: readonly string[]): void;
  withdraw(popCode: string): void;
  catchment(): ReadonlyMap<number, string | null>;
}
type Make = (graph: AsGraph) => Catchments;

/** A generated Internet (seeded), a set of announcing PoPs, and one of them to withdraw. */
const scenarioArb = fc
  .record({
    seed: fc.integer({ min: 1, max: 6 }),
    pops: fc.shuffledSubarray([...FIXTURE_POP_CODES], { minLength: 2 }),
    pick: fc.nat(),
  })
  .map(({ seed, pops, pick }) => ({ seed, pops, withdrawn: pops[pick % pops.length] as string }));

function show(map: ReadonlyMap<number, string | null>): Map<number, string | null> {
  return new Map([...map.entries()].sort((a, b) => a[0] - b[0]));
}

export const suite = defineLevel<Make>({
  kata: "q4-anycast-ddos",
  level: 3,
  load: (m) => {
    const Ctor = requireExport<new (graph: AsGraph) => Catchments>(m, "AnycastCatchments", "class");
    return (graph) => new Ctor(graph);
  },
  probe: (make) => make(fixtureWorld(1)).catchment(),
  properties: [
    {
      name: "sends every eyeball network to the PoP its BGP best route ends at (not the nearest on the map)",
      run: (make, ctx) =>
        check(
          fc.property(scenarioArb, ({ seed, pops }) => {
            const graph = fixtureWorld(seed);
            const mine = make(graph);
            mine.announce(pops);
            const bgp = new AnycastNetwork(graph);
            bgp.announce(pops);
            const got = mine.catchment();
            for (const e of bgp.catchment()) {
              if (got.get(e.accessNode) !== e.popCode) {
                const node = graph.nodes[e.accessNode];
                throw new Error(`access node ${e.accessNode} (${node?.clientId}) goes to ${got.get(e.accessNode)}; its BGP route ends at ${e.popCode}`);
              }
            }
            if (got.size !== bgp.catchment().length) throw new Error(`catchment has ${got.size} entries; the world has ${bgp.catchment().length} eyeball networks`);
          }),
          ctx,
          { numRuns: 12 },
        ),
    },
    {
      name: "a withdrawal moves exactly that PoP's clients, each to the PoP BGP re-converges on, and strands nobody",
      run: (make, ctx) =>
        check(
          fc.property(scenarioArb, ({ seed, pops, withdrawn }) => {
            const net = make(fixtureWorld(seed));
            net.announce(pops);
            const before = show(net.catchment());
            net.withdraw(withdrawn);
            const after = show(net.catchment());
            for (const [node, pop] of before) {
              const now = after.get(node);
              if (now === null || now === undefined) throw new Error(`access node ${node} lost its route after ${withdrawn} withdrew`);
              if (pop === withdrawn && now === withdrawn) throw new Error(`access node ${node} still goes to withdrawn ${withdrawn}`);
              if (pop !== withdrawn && now !== pop) throw new Error(`access node ${node} moved from ${pop} to ${now}, though ${withdrawn} was not its PoP`);
            }
            // Where the stranded clients go is BGP's choice too, not the next-nearest PoP on the map.
            const bgp = new AnycastNetwork(fixtureWorld(seed));
            bgp.announce(pops);
            bgp.withdraw(withdrawn);
            for (const e of bgp.catchment())
              if (after.get(e.accessNode) !== e.popCode)
                throw new Error(`after ${withdrawn} withdrew, access node ${e.accessNode} goes to ${after.get(e.accessNode)}; BGP re-converged on ${e.popCode}`);
          }),
          ctx,
          { numRuns: 12 },
        ),
    },
    {
      name: "re-announcing a withdrawn PoP restores the original catchment",
      run: (make, ctx) =>
        check(
          fc.property(scenarioArb, ({ seed, pops, withdrawn }) => {
            const net = make(fixtureWorld(seed));
            net.announce(pops);
            const before = [...show(net.catchment())].join(";");
            net.withdraw(withdrawn);
            net.announce([withdrawn]);
            const again = [...show(net.catchment())].join(";");
            if (again !== before) throw new Error(`after withdrawing and re-announcing ${withdrawn} the catchment differs`);
          }),
          ctx,
          { numRuns: 6 },
        ),
    },
  ],
});
