import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { AnycastNetwork, type AsGraph } from "../../../src/net/index.js";
import { Rng } from "../../../src/sim/index.js";
import { ADVERSARIAL_POP_CODES, fixtureWorld, internetWorld, popCodesOf } from "./worlds.js";

interface Catchments {
  announce(popCodes: readonly string[]): void;
  withdraw(popCode: string): void;
  catchment(): ReadonlyMap<number, string | null>;
}
type Make = (graph: AsGraph) => Catchments;

/**
 * A generated Internet (seeded; one in three with adversarial PoP codes such as `__proto__`,
 * `constructor` and ""), a set of announcing PoPs, and one of them to withdraw.
 */
const scenarioArb = fc
  .record({
    seed: fc.integer({ min: 1, max: 6 }),
    renamed: fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    picks: fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
    pick: fc.nat(),
  })
  .map(({ seed, renamed, picks, pick }) => {
    const graph = fixtureWorld(seed, renamed);
    const codes = popCodesOf(graph);
    // At least two PoPs, and the adversarial codes (the first ones) often among them.
    const pops = codes.filter((_, i) => picks[i] === true || i === pick % codes.length || i === (pick + 1) % codes.length);
    return { seed, renamed, graph, pops, withdrawn: pops[pick % pops.length] as string };
  });

function show(map: ReadonlyMap<number, string | null>): Map<number, string | null> {
  return new Map([...map.entries()].sort((a, b) => a[0] - b[0]));
}

/** The catchment must map every access node, and each to the PoP BGP's best route ends at. */
function expectCatchment(graph: AsGraph, got: ReadonlyMap<number, string | null>, bgp: AnycastNetwork, label: string): void {
  const access = graph.nodes.filter((n) => n.kind === "access");
  const truth = new Map(bgp.catchment().map((e) => [e.accessNode, e.popCode]));
  for (const node of access) {
    if (!got.has(node.id)) throw new Error(`${label}: access node ${node.id} (${node.clientId}) is missing from the catchment; a network with no route maps to null`);
    const expected = truth.get(node.id);
    const actual = got.get(node.id);
    if (actual !== expected) throw new Error(`${label}: access node ${node.id} (${node.clientId}) goes to ${JSON.stringify(actual)}; its BGP route ends at ${JSON.stringify(expected)}`);
  }
  if (got.size !== access.length) throw new Error(`${label}: the catchment has ${got.size} entries; the world has ${access.length} access networks`);
}

/** One step of an operator's session: announce some PoPs, or withdraw one. */
const opArb = fc.oneof(
  fc.record({ kind: fc.constant("announce" as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant("withdraw" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("withdraw-all" as const) }),
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

function apply(op: Op, codes: readonly string[], announced: ReadonlySet<string>, targets: readonly { announce(c: readonly string[]): void; withdraw(c: string): void }[]): string {
  if (op.kind === "announce") {
    const pops = op.picks.map((p) => codes[p % codes.length] as string);
    for (const t of targets) t.announce(pops);
    return `announce ${JSON.stringify(pops)}`;
  }
  if (op.kind === "withdraw") {
    // Mostly a PoP that announces; sometimes one that does not (nothing happens).
    const pool = announced.size > 0 && op.pick % 4 !== 0 ? [...announced] : codes;
    const code = pool[op.pick % pool.length] as string;
    for (const t of targets) t.withdraw(code);
    return `withdraw ${JSON.stringify(code)}`;
  }
  for (const code of [...announced]) for (const t of targets) t.withdraw(code);
  return "withdraw every PoP";
}

/** Codes that name no PoP of the world: prototype names, case and spacing variants, empty. */
const UNKNOWN_CODES = ["__proto__", "constructor", "toString", "", "lhr", "LHR ", "東京", "NOPE"];

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
      name: "sends every eyeball network to the PoP its BGP best route ends at (not the nearest on the map), and to null before any announcement",
      run: (make, ctx) =>
        check(
          fc.property(scenarioArb, ({ graph, pops }) => {
            const mine = make(graph);
            const bgp = new AnycastNetwork(graph);
            expectCatchment(graph, mine.catchment(), bgp, "before any announcement");
            mine.announce(pops);
            bgp.announce(pops);
            expectCatchment(graph, mine.catchment(), bgp, `after announce(${JSON.stringify(pops)})`);
          }),
          ctx,
          { numRuns: 12 },
        ),
    },
    {
      name: "a withdrawal moves exactly that PoP's clients, each to the PoP BGP re-converges on, and strands nobody",
      run: (make, ctx) =>
        check(
          fc.property(scenarioArb, ({ graph, pops, withdrawn }) => {
            const net = make(graph);
            net.announce(pops);
            const before = show(net.catchment());
            net.withdraw(withdrawn);
            const after = show(net.catchment());
            for (const [node, pop] of before) {
              const now = after.get(node);
              if (now === null || now === undefined) throw new Error(`access node ${node} lost its route after ${JSON.stringify(withdrawn)} withdrew`);
              if (pop === withdrawn && now === withdrawn) throw new Error(`access node ${node} still goes to withdrawn ${JSON.stringify(withdrawn)}`);
              if (pop !== withdrawn && now !== pop) throw new Error(`access node ${node} moved from ${pop} to ${now}, though ${JSON.stringify(withdrawn)} was not its PoP`);
            }
            // Where the stranded clients go is BGP's choice too, not the next-nearest PoP on the map.
            const bgp = new AnycastNetwork(graph);
            bgp.announce(pops);
            bgp.withdraw(withdrawn);
            expectCatchment(graph, after, bgp, `after ${JSON.stringify(withdrawn)} withdrew`);
          }),
          ctx,
          { numRuns: 12 },
        ),
    },
    {
      name: "re-announcing a withdrawn PoP restores the original catchment",
      run: (make, ctx) =>
        check(
          fc.property(scenarioArb, ({ graph, pops, withdrawn }) => {
            const net = make(graph);
            net.announce(pops);
            const before = [...show(net.catchment())].join(";");
            net.withdraw(withdrawn);
            net.announce([withdrawn]);
            const again = [...show(net.catchment())].join(";");
            if (again !== before) throw new Error(`after withdrawing and re-announcing ${JSON.stringify(withdrawn)} the catchment differs`);
          }),
          ctx,
          { numRuns: 6 },
        ),
    },
    {
      name: "an unknown PoP code (`__proto__`, `constructor`, empty, another case) throws and changes nothing, not even the other codes of the call",
      run: (make, ctx) =>
        check(
          fc.property(scenarioArb, fc.constantFrom(...UNKNOWN_CODES), fc.boolean(), ({ graph, pops, withdrawn }, unknown, first) => {
            const codes = popCodesOf(graph);
            if (codes.includes(unknown)) return;
            const net = make(graph);
            net.announce(pops);
            const before = [...show(net.catchment())].join(";");
            const spare = codes.find((c) => !pops.includes(c));
            const call = spare === undefined ? [unknown] : first ? [unknown, spare] : [spare, unknown];
            const threw = (fn: () => void): boolean => {
              try {
                fn();
              } catch (error) {
                return error instanceof Error;
              }
              return false;
            };
            if (!threw(() => net.announce(call))) throw new Error(`announce(${JSON.stringify(call)}) did not throw an Error for the unknown code ${JSON.stringify(unknown)}`);
            if (!threw(() => net.withdraw(unknown))) throw new Error(`withdraw(${JSON.stringify(unknown)}) did not throw an Error`);
            if ([...show(net.catchment())].join(";") !== before) throw new Error(`a call that threw changed the catchment`);
            // Nothing of the failed call may surface later either: the next change must be BGP's.
            net.withdraw(withdrawn);
            const bgp = new AnycastNetwork(graph);
            bgp.announce(pops);
            bgp.withdraw(withdrawn);
            expectCatchment(graph, net.catchment(), bgp, `after announce(${JSON.stringify(call)}) threw and ${JSON.stringify(withdrawn)} withdrew`);
          }),
          ctx,
          { numRuns: 10 },
        ),
    },
    {
      name: "any session of announcements and withdrawals (repeats, PoPs that do not announce, every PoP withdrawn) matches BGP, on two instances side by side",
      run: (make, ctx) =>
        check(
          fc.property(
            fc.integer({ min: 1, max: 6 }),
            fc.boolean(),
            fc.array(opArb, { minLength: 2, maxLength: 5 }),
            fc.array(opArb, { minLength: 2, maxLength: 5 }),
            (seed, renamed, opsA, opsB) => {
              const graph = fixtureWorld(seed, renamed);
              const codes = popCodesOf(graph);
              const sessions = [opsA, opsB].map((ops) => ({ ops, mine: make(graph), bgp: new AnycastNetwork(graph), log: [] as string[] }));
              for (let i = 0; i < Math.max(opsA.length, opsB.length); i++) {
                for (const [k, s] of sessions.entries()) {
                  const op = s.ops[i];
                  if (op === undefined) continue;
                  s.log.push(apply(op, codes, new Set(s.bgp.announcing()), [s.mine, s.bgp]));
                  expectCatchment(graph, s.mine.catchment(), s.bgp, `instance ${k + 1} after ${s.log.join(", ")}`);
                }
              }
            },
          ),
          ctx,
          { numRuns: 8, examples: [[2, true, [{ kind: "announce", picks: [0, 1, 2] }, { kind: "withdraw-all" }], [{ kind: "announce", picks: [3] }, { kind: "withdraw", pick: 0 }]]] },
        ),
    },
    {
      name: "on the generated Internet of the whole PoP dataset, the catchment and a withdrawal match BGP",
      run: (make, ctx) =>
        check(
          fc.property(fc.integer(), (seed) => {
            const graph = internetWorld();
            const rng = new Rng(seed);
            const pops = rng.shuffle(popCodesOf(graph)).slice(0, 40);
            const withdrawn = pops[0] as string;
            const mine = make(graph);
            mine.announce(pops);
            const bgp = new AnycastNetwork(graph);
            bgp.announce(pops);
            expectCatchment(graph, mine.catchment(), bgp, `${pops.length} PoPs announcing`);
            mine.withdraw(withdrawn);
            bgp.withdraw(withdrawn);
            expectCatchment(graph, mine.catchment(), bgp, `after ${withdrawn} withdrew`);
          }),
          ctx,
          { numRuns: 1 },
        ),
    },
  ],
});
