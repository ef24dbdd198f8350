import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { Rng } from "../../../src/sim/index.js";
import { ADVERSARIAL_IDS, identifier } from "./identifiers.js";

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

const show = (x: unknown): string => JSON.stringify(x);

/**
 * Pairs of machines whose points land on the same hashes with `hashString(\`${id}#${i}\`)`
 * (hashString is FNV-1a, whose state can collide on a prefix): the first pair shares all 100
 * points, the others 8 and 4. Only a tie-break by node id makes the ring independent of the
 * order they were added in.
 */
const COLLIDING: ReadonlyArray<readonly [string, string]> = [
  ["nwrj58tx3b", "n1kdc1z6x2g"],
  ["m1280", "m8100"],
  ["m3094", "m7795"],
];
/** Scripts that hash just below a shared point of those pairs, so they land on it. */
const ON_COLLISIONS = ["script-12416", "script-1697022", "script-437102", "script-892236", "script-98673", "script-1195542", "script-804856"];

/** Machines m0…m999 (no two of them share a point) plus adversarial ids, sometimes a colliding pair. */
const machineId = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 999 }).map((i) => `m${i}`), weight: 4 }, { arbitrary: identifier, weight: 1 });
const nodeSet = fc
  .tuple(fc.uniqueArray(machineId, { minLength: 2, maxLength: 8 }), fc.oneof(fc.constant<readonly string[]>([]), fc.constantFrom(...COLLIDING)))
  .map(([ids, pair]) => [...new Set([...pair, ...ids])]);
/** Only m0…m999, so every machine's share is a fair one (a colliding pair leaves one of them empty). */
const plainNodeSet = (min: number, max: number): fc.Arbitrary<string[]> => fc.uniqueArray(fc.integer({ min: 0, max: 999 }), { minLength: min, maxLength: max }).map((ids) => ids.map((i) => `m${i}`));

function expectNoNodes(ring: Ring, scriptId: string, why: string): void {
  try {
    const got = ring.shardOf(scriptId);
    throw new Error(`${why}: shardOf(${show(scriptId)}) returned ${show(got)}; expected NO_NODES`);
  } catch (error) {
    const e = error as { code?: unknown; status?: unknown; message?: unknown };
    if (e.code !== "NO_NODES" || e.status !== 503) throw new Error(`${why}: shardOf(${show(scriptId)}) threw ${error instanceof Error ? `${error.name}: ${error.message}` : show(error)}; expected an EdgeError NO_NODES (503)`);
    if (typeof e.message !== "string" || !e.message.includes(scriptId) || e.message === "") throw new Error(`${why}: NO_NODES for ${show(scriptId)} has the message ${show(e.message)}; it must name the script`);
  }
}

/** Where each script goes on a ring of these machines. */
function placement(make: Make, nodes: readonly string[], scripts: readonly string[] = SCRIPTS): string[] {
  const ring = ringOf(make, nodes);
  return scripts.map((s) => ring.shardOf(s));
}

function samePlacement(got: readonly string[], want: readonly string[], scripts: readonly string[], why: string): void {
  const i = got.findIndex((g, k) => g !== want[k]);
  if (i >= 0) throw new Error(`${why}: ${scripts[i]} goes to ${show(got[i])}, but to ${show(want[i])} on a ring built fresh from the same machines`);
}

/** Named, exact cases: every documented error and no-op, and the colliding pairs. */
function exactCases(make: Make): void {
  const empty = make();
  for (const id of ["script-1", "", "__proto__"]) expectNoNodes(empty, id, "a ring with no machines");
  const emptied = ringOf(make, ["a"]);
  emptied.removeNode("a");
  expectNoNodes(emptied, "script-1", "a ring whose only machine was removed");
  const scripts = SCRIPTS.slice(0, 300);
  const base = placement(make, ["a", "b", "c"], scripts);
  const ghost = ringOf(make, ["a", "b", "c"]);
  ghost.removeNode("ghost");
  ghost.removeNode("__proto__");
  samePlacement(scripts.map((s) => ghost.shardOf(s)), base, scripts, "removing machines that were never added (\"ghost\", \"__proto__\") changes nothing");
  const twice = ringOf(make, ["a", "b", "c", "b"]);
  samePlacement(scripts.map((s) => twice.shardOf(s)), base, scripts, "adding machine b twice is adding it once");
  twice.removeNode("b");
  const stray = scripts.filter((s) => twice.shardOf(s) === "b");
  if (stray.length > 0) throw new Error(`machine b, added twice and removed once, still serves ${stray.length} scripts (${stray.slice(0, 3).join(", ")}…)`);
  for (const [x, y] of COLLIDING) {
    const all = [...ON_COLLISIONS, ...scripts];
    const one = placement(make, [x, y, "m7"], all);
    const other = placement(make, ["m7", y, x], all);
    const i = one.findIndex((g, k) => g !== other[k]);
    if (i >= 0) throw new Error(`machines ${show(x)} and ${show(y)} have points on the same hashes; ${all[i]} goes to ${show(one[i])} when ${x} is added first and to ${show(other[i])} when ${y} is: break ties by node id`);
  }
}

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
      name: "exact cases: NO_NODES on an empty ring, removing an unknown machine or adding one twice changes nothing, colliding points are tie-broken",
      run: (make) => exactCases(make),
    },
    {
      name: "the same script always lands on the same machine, whatever order the machines were added in",
      run: (make, ctx) =>
        check(
          fc.property(nodeSet, fc.integer(), (nodes, seed) => {
            const k = Math.abs(seed) % nodes.length;
            const shuffled = [...nodes.slice(k), ...nodes.slice(0, k)].reverse();
            const one = ringOf(make, nodes);
            const other = ringOf(make, shuffled);
            for (const s of [...ON_COLLISIONS, "", "__proto__", ...SCRIPTS.slice(0, 300)]) {
              const a = one.shardOf(s);
              if (!nodes.includes(a)) throw new Error(`shardOf(${show(s)}) = ${show(a)}, which is not one of the machines ${show(nodes)}`);
              if (one.shardOf(s) !== a) throw new Error(`shardOf(${show(s)}) changed between two calls`);
              if (other.shardOf(s) !== a) throw new Error(`shardOf(${show(s)}) is ${show(a)} with machines added as ${show(nodes)} but ${show(other.shardOf(s))} as ${show(shuffled)}`);
            }
            // Every machine serves some of 2,000 scripts, whatever its name ("constructor" included),
            // except one that shares every point with a machine whose id sorts first.
            const serving = new Set(SCRIPTS.map((s) => one.shardOf(s)));
            const idle = nodes.filter((n) => !serving.has(n) && !(n === "nwrj58tx3b" && nodes.includes("n1kdc1z6x2g")));
            if (idle.length > 0) throw new Error(`with machines ${show(nodes)}, ${show(idle)} serve none of ${SCRIPTS.length} scripts`);
          }),
          ctx,
          { numRuns: 30 },
        ),
    },
    {
      name: "adding a machine to n moves about 1/(n+1) of the scripts, all of them to the new machine",
      run: (make, ctx) =>
        check(
          fc.property(fc.oneof({ arbitrary: nodeSet, weight: 3 }, { arbitrary: plainNodeSet(20, 40), weight: 1 }), fc.integer({ min: 1000, max: 1999 }), (nodes, added) => {
            const newcomer = `m${added}`;
            fc.pre(!nodes.includes(newcomer));
            const ring = ringOf(make, nodes);
            const before = SCRIPTS.map((s) => ring.shardOf(s));
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
      name: "removing a machine moves only its scripts, and leaves the ring a fresh ring of the others would be",
      run: (make, ctx) =>
        check(
          fc.property(nodeSet, fc.nat(), (nodes, pick) => {
            const gone = nodes[pick % nodes.length] as string;
            const rest = nodes.filter((n) => n !== gone);
            const ring = ringOf(make, nodes);
            const before = SCRIPTS.map((s) => ring.shardOf(s));
            ring.removeNode(gone);
            const after = SCRIPTS.map((s) => ring.shardOf(s));
            samePlacement(after, placement(make, rest), SCRIPTS, `after removing ${show(gone)} from ${show(nodes)}`);
            SCRIPTS.forEach((s, i) => {
              if (before[i] !== gone && after[i] !== before[i]) throw new Error(`removing ${show(gone)} moved ${s} from ${show(before[i])} to ${show(after[i])}; only ${show(gone)}'s scripts may move`);
            });
          }),
          ctx,
          { numRuns: 20 },
        ),
    },
    {
      name: "every machine gets a fair share: between half and 1.7 times 1/n of 2,000 scripts",
      run: (make, ctx) =>
        check(
          fc.property(plainNodeSet(2, 12), fc.option(fc.constantFrom(...ADVERSARIAL_IDS), { freq: 2 }), (plain, odd) => {
            const nodes = odd === null ? plain : [...plain, odd];
            const counts = new Map(nodes.map((n) => [n, 0]));
            for (const machine of placement(make, nodes)) counts.set(machine, (counts.get(machine) ?? 0) + 1);
            for (const [machine, count] of counts) {
              // 100 points per machine keep every share within about ±40% of 1/n (measured over
              // thousands of machine sets); a scheme whose shares follow the hashes' high bits does not.
              const share = (count / SCRIPTS.length) * nodes.length;
              if (share < 0.5 || share > 1.7) throw new Error(`with ${nodes.length} machines ${show(nodes)}, ${machine} serves ${count} of ${SCRIPTS.length} scripts (${share.toFixed(2)} × a fair share)`);
            }
          }),
          ctx,
          { numRuns: 20 },
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
