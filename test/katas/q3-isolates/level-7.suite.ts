import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { Rng } from "../../../src/sim/index.js";

interface Ring {
  addNode(nodeId: string): void;
  removeNode(nodeId: string): void;
  shardOf(scriptId: string): string;
}
type Make = () => Ring;

const SCRIPTS = Array.from({ length: 2000 }, (_, i) => `script-${i}`);

function ringOf(make: Make, nodes: readonly string[]): Ring {
  const ring = make();
  for (const n of nodes) ring.addNode(n);
  return ring;
}

const nodeSet = fc.uniqueArray(fc.integer({ min: 0, max: 999 }), { minLength: 2, maxLength: 8 }).map((ids) => ids.map((i) => `m${i}`));

/** A machine's isolate cache, counting evictions. */
class Lru {
  readonly #keys = new Map<string, true>();
  evictions = 0;
  constructor(readonly capacity: number) {}
  touch(key: string): void {
    if (this.#keys.delete(key)) {
      this.#keys.set(key, true);
      return;
    }
    if (this.#keys.size >= this.capacity) {
      const oldest = this.#keys.keys().next().value;
      if (oldest !== undefined) this.#keys.delete(oldest);
      this.evictions++;
    }
    this.#keys.set(key, true);
  }
}

/** Zipf-like popularity (rank r with weight 1/r): a few hot scripts and a long tail. */
function requests(rng: Rng, scripts: number, count: number): string[] {
  const weights = Array.from({ length: scripts }, (_, r) => 1 / (r + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let x = rng.nextU32() / 2 ** 32 * total;
    let r = 0;
    while (r < scripts - 1 && x >= (weights[r] ?? 0)) x -= weights[r++] ?? 0;
    out.push(`script-${r}`);
  }
  return out;
}

export const suite = defineLevel<Make>({
  kata: "q3-isolates",
  level: 7,
  load: (m) => {
    const Ctor = requireExport<new () => Ring>(m, "ShardRing", "class");
    return () => new Ctor();
  },
  probe: (make) => ringOf(make, ["a"]).shardOf("x"),
  properties: [
    {
      name: "the same script always lands on the same machine, whatever order the machines were added in",
      run: (make, ctx) =>
        check(
          fc.property(nodeSet, fc.integer(), (nodes, seed) => {
            const k = Math.abs(seed) % nodes.length;
            const shuffled = [...nodes.slice(k), ...nodes.slice(0, k)].reverse();
            const one = ringOf(make, nodes);
            const other = ringOf(make, shuffled);
            for (const s of SCRIPTS.slice(0, 300)) {
              const a = one.shardOf(s);
              if (!nodes.includes(a)) throw new Error(`shardOf(${s}) = ${a}, which is not one of the machines ${nodes.join(",")}`);
              if (one.shardOf(s) !== a) throw new Error(`shardOf(${s}) changed between two calls`);
              if (other.shardOf(s) !== a) throw new Error(`shardOf(${s}) is ${a} with machines added as ${nodes.join(",")} but ${other.shardOf(s)} as ${shuffled.join(",")}`);
            }
          }),
          ctx,
          { numRuns: 30 },
        ),
    },
    {
      name: "adding a machine to n moves about 1/(n+1) of the scripts, all of them to the new machine",
      run: (make, ctx) =>
        check(
          fc.property(nodeSet, fc.integer({ min: 1000, max: 1999 }), (nodes, added) => {
            const ring = ringOf(make, nodes);
            const before = SCRIPTS.map((s) => ring.shardOf(s));
            const newcomer = `m${added}`;
            ring.addNode(newcomer);
            let moved = 0;
            SCRIPTS.forEach((s, i) => {
              const now = ring.shardOf(s);
              if (now === before[i]) return;
              moved++;
              if (now !== newcomer) throw new Error(`${s} moved from ${before[i]} to ${now}, not to the new machine ${newcomer}`);
            });
            const n = nodes.length;
            const fraction = moved / SCRIPTS.length;
            // Statistical bound: the expected share is 1/(n+1); with ~100 points per machine a
            // share rarely strays beyond twice that (or below a quarter of it).
            if (fraction > 2 / (n + 1) + 0.02 || fraction < 0.25 / (n + 1)) {
              throw new Error(`adding a machine to ${n} moved ${(fraction * 100).toFixed(1)}% of ${SCRIPTS.length} scripts; expected about ${(100 / (n + 1)).toFixed(1)}%`);
            }
          }),
          ctx,
          { numRuns: 30 },
        ),
    },
    {
      name: "routing by shard evicts fewer isolates than placing each request on a random machine",
      run: (make, ctx) =>
        check(
          fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 3, max: 8 }), (seed, machines) => {
            const rng = new Rng(seed);
            const nodes = Array.from({ length: machines }, (_, i) => `m${i}`);
            const ring = ringOf(make, nodes);
            const sharded = new Map(nodes.map((n) => [n, new Lru(20)]));
            const random = new Map(nodes.map((n) => [n, new Lru(20)]));
            const pick = rng.fork("random-placement");
            for (const script of requests(rng.fork("requests"), 300, 3000)) {
              sharded.get(ring.shardOf(script))?.touch(script);
              random.get(nodes[pick.nextU32() % machines] ?? "m0")?.touch(script);
            }
            const count = (m: Map<string, Lru>): number => [...m.values()].reduce((s, l) => s + l.evictions, 0);
            if (count(sharded) >= count(random)) throw new Error(`${machines} machines: ${count(sharded)} evictions with the ring, ${count(random)} with random placement`);
          }),
          ctx,
          { numRuns: 5 },
        ),
    },
  ],
});
