import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { ADVERSARIAL_IDS, identifier } from "./identifiers.js";

interface Job {
  id: number;
  tenant: string;
  costMs: number;
}
interface Slice {
  jobId: number;
  tenant: string;
  runMs: number;
}
interface Scheduler {
  submit(job: Job): void;
  next(): Slice | undefined;
  cpuMsOf(tenant: string): number;
}
type Make = (options: { quantumMs: number }) => Scheduler;

const show = (x: unknown): string => JSON.stringify(x);

type Kind = "noisy" | "quiet" | "eager";
interface Arrival extends Job {
  atMs: number;
  kind: Kind;
}
/** A closed-loop client: submits its next job the moment the previous one completes. */
interface Eager {
  tenant: string;
  costs: number[];
}
interface Scenario {
  quantumMs: number;
  tenants: string[];
  arrivals: Arrival[];
  eager: Eager[];
}

/**
 * Noisy tenants flood bursts of long jobs (up to 10 quanta each, some free); quiet tenants
 * send one short job (≤ one quantum) at a time, spaced so they never queue behind themselves;
 * eager tenants resubmit the moment a job completes, so they go idle and come back again and
 * again. Tenant names are adversarial ("constructor", "7", "", …).
 */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    quantumMs: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 8 }), weight: 3 }, { arbitrary: fc.constantFrom(1, 10, 50), weight: 1 }),
    noisy: fc.integer({ min: 1, max: 3 }),
    quiet: fc.integer({ min: 1, max: 2 }),
    eager: fc.integer({ min: 0, max: 2 }),
  })
  .chain(({ quantumMs, noisy, quiet, eager }) => {
    const count = noisy + quiet + eager;
    const gapMs = (count + 1) * quantumMs + 1;
    const cost = (max: number): fc.Arbitrary<number> => fc.oneof({ arbitrary: fc.integer({ min: 1, max }), weight: 8 }, { arbitrary: fc.constantFrom(0, 1, quantumMs, Math.min(max, quantumMs + 1), max), weight: 2 });
    const burst = fc.record({ atMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 * quantumMs })), count: fc.integer({ min: 1, max: 12 }), costMs: cost(10 * quantumMs) });
    return fc.record({
      quantumMs: fc.constant(quantumMs),
      tenants: fc.uniqueArray(identifier, { minLength: count, maxLength: count }),
      noisy: fc.array(fc.array(burst, { minLength: 1, maxLength: 4 }), { minLength: noisy, maxLength: noisy }),
      quiet: fc.array(fc.array(fc.record({ slot: fc.integer({ min: 0, max: 40 }), costMs: cost(quantumMs) }), { minLength: 1, maxLength: 8 }), { minLength: quiet, maxLength: quiet }),
      eager: fc.array(fc.array(cost(quantumMs), { minLength: 5, maxLength: 40 }), { minLength: eager, maxLength: eager }),
    }).map((s) => {
      const arrivals: Arrival[] = [];
      let id = 0;
      const name = (i: number): string => s.tenants[i] ?? `tenant-${i}`;
      s.noisy.forEach((bursts, t) => {
        for (const b of bursts) for (let i = 0; i < b.count; i++) arrivals.push({ id: id++, tenant: name(t), costMs: b.costMs, atMs: b.atMs, kind: "noisy" });
      });
      s.quiet.forEach((jobs, t) => {
        const slots = [...new Set(jobs.map((j) => j.slot))];
        slots.forEach((slot, i) => arrivals.push({ id: id++, tenant: name(noisy + t), costMs: jobs[i]?.costMs ?? 1, atMs: slot * gapMs, kind: "quiet" }));
      });
      arrivals.sort((a, b) => a.atMs - b.atMs || a.id - b.id);
      const eagerTenants = s.eager.map((costs, t) => ({ tenant: name(noisy + quiet + t), costs }));
      return { quantumMs: s.quantumMs, tenants: s.tenants.slice(0, count), arrivals, eager: eagerTenants };
    });
  });

interface Result {
  completedAtMs: Map<number, number>;
  arrivedAtMs: Map<number, number>;
  kindOf: Map<number, Arrival["kind"]>;
  costOf: Map<number, number>;
  cpuMs: Map<string, number>;
  scheduler: Scheduler;
}

/**
 * One CPU in virtual time, stepped one slice at a time. It checks that every slice is well
 * formed and that no work is dropped, and it plays the eager tenants' closed loops.
 */
class VirtualCpu {
  readonly scheduler: Scheduler;
  readonly remaining = new Map<number, number>();
  readonly owner = new Map<number, string>();
  readonly result: Result;
  nowMs = 0;
  done = false;
  #i = 0;
  #steps = 0;
  readonly #queue: Arrival[];
  readonly #eager: Array<{ tenant: string; costs: number[]; next: number }>;
  readonly #stepsMax: number;
  #nextId: number;

  constructor(make: Make, readonly s: Scenario, readonly label: string) {
    this.scheduler = make({ quantumMs: s.quantumMs });
    this.#queue = [...s.arrivals];
    this.#nextId = s.arrivals.length;
    this.#eager = s.eager.map((e) => ({ ...e, next: 0 }));
    const work = s.arrivals.reduce((sum, a) => sum + a.costMs, 0) + s.eager.reduce((sum, e) => sum + e.costs.reduce((a, b) => a + b, 0), 0);
    this.#stepsMax = work + s.arrivals.length + s.eager.reduce((sum, e) => sum + e.costs.length, 0) + 2;
    this.result = { completedAtMs: new Map(), arrivedAtMs: new Map(), kindOf: new Map(), costOf: new Map(), cpuMs: new Map(), scheduler: this.scheduler };
    // Each eager tenant's first job arrives at 0.
    for (const e of this.#eager) this.#eagerNext(e);
  }

  #eagerNext(e: { tenant: string; costs: number[]; next: number }): void {
    const costMs = e.costs[e.next++];
    if (costMs === undefined) return;
    // Inserted after arrivals already due at this time: it comes back after them.
    const arrival: Arrival = { id: this.#nextId++, tenant: e.tenant, costMs, atMs: this.nowMs, kind: "eager" };
    let at = this.#i;
    while (at < this.#queue.length && (this.#queue[at]?.atMs ?? Infinity) <= arrival.atMs) at++;
    this.#queue.splice(at, 0, arrival);
  }

  #complete(id: number): void {
    this.result.completedAtMs.set(id, this.nowMs);
    const tenant = this.owner.get(id);
    if (this.result.kindOf.get(id) === "eager") {
      const e = this.#eager.find((x) => x.tenant === tenant);
      if (e) this.#eagerNext(e);
    }
  }

  /** Submits what is due and runs one slice (or jumps to the next arrival when idle). */
  step(): void {
    if (++this.#steps > this.#stepsMax) throw new Error(`${this.label}: the scheduler never went idle: more slices than the total work allows`);
    while (this.#i < this.#queue.length && (this.#queue[this.#i]?.atMs ?? Infinity) <= this.nowMs) {
      const a = this.#queue[this.#i++] as Arrival;
      this.remaining.set(a.id, a.costMs);
      this.owner.set(a.id, a.tenant);
      this.result.arrivedAtMs.set(a.id, a.atMs);
      this.result.kindOf.set(a.id, a.kind);
      this.result.costOf.set(a.id, a.costMs);
      this.scheduler.submit({ id: a.id, tenant: a.tenant, costMs: a.costMs });
      if (a.costMs === 0) this.#complete(a.id);
    }
    const slice = this.scheduler.next();
    if (slice === undefined) {
      const left = [...this.remaining].filter(([, ms]) => ms > 0);
      if (left.length > 0) throw new Error(`${this.label}: next() said idle at ${this.nowMs} ms with jobs ${left.map(([id, ms]) => `#${id} of ${show(this.owner.get(id))} (${ms} ms left)`).join(", ")} unfinished`);
      const upcoming = this.#queue[this.#i];
      if (upcoming === undefined) this.done = true;
      else this.nowMs = Math.max(this.nowMs, upcoming.atMs);
      return;
    }
    const left = this.remaining.get(slice.jobId);
    if (left === undefined || left <= 0) {
      throw new Error(`${this.label}: next() at ${this.nowMs} ms ran job #${slice.jobId}, which is ${left === undefined ? "unknown" : left === 0 && this.result.costOf.get(slice.jobId) === 0 ? "free (costMs 0: done on arrival)" : "finished"}`);
    }
    if (this.owner.get(slice.jobId) !== slice.tenant) throw new Error(`${this.label}: slice of job #${slice.jobId} names tenant ${show(slice.tenant)}, but it belongs to ${show(this.owner.get(slice.jobId))}`);
    if (!(slice.runMs > 0 && slice.runMs <= this.s.quantumMs && slice.runMs <= left)) {
      throw new Error(`${this.label}: slice of job #${slice.jobId} runs ${slice.runMs} ms; it must be > 0, ≤ quantum ${this.s.quantumMs} ms and ≤ the ${left} ms left`);
    }
    this.nowMs += slice.runMs;
    this.remaining.set(slice.jobId, left - slice.runMs);
    this.result.cpuMs.set(slice.tenant, (this.result.cpuMs.get(slice.tenant) ?? 0) + slice.runMs);
    if (left - slice.runMs === 0) this.#complete(slice.jobId);
  }
}

/**
 * Runs the scenario on two schedulers side by side (the second with a quantum one longer),
 * interleaving their calls, so state shared between instances shows.
 */
function simulate(make: Make, s: Scenario): [Result, Result] {
  const cpus = [new VirtualCpu(make, s, "scheduler 0"), new VirtualCpu(make, { ...s, quantumMs: s.quantumMs + 1 }, "scheduler 1")] as const;
  while (!cpus[0].done || !cpus[1].done) {
    const [a, b] = cpus;
    const pick = a.done ? b : b.done ? a : a.nowMs <= b.nowMs ? a : b;
    pick.step();
  }
  return [cpus[0].result, cpus[1].result];
}

/** Named, exact cases: what a careful reader must get right, each with its own message. */
function boundaryCases(make: Make): void {
  // A free job is done on arrival: no slice, no turn, no CPU.
  let s = make({ quantumMs: 5 });
  s.submit({ id: 1, tenant: "a", costMs: 0 });
  let slice = s.next();
  if (slice !== undefined) throw new Error(`a job with costMs 0 produced the slice ${show(slice)}; it needs no CPU and must never run`);
  // A free job between two real ones gives its tenant no extra turn.
  s = make({ quantumMs: 5 });
  s.submit({ id: 1, tenant: "a", costMs: 10 });
  s.submit({ id: 2, tenant: "b", costMs: 10 });
  s.submit({ id: 3, tenant: "a", costMs: 0 });
  const order: string[] = [];
  for (let i = 0; i < 10 && (slice = s.next()) !== undefined; i++) {
    if (slice.jobId === 3) throw new Error(`the free job #3 (costMs 0) ran as ${show(slice)}`);
    order.push(`${slice.tenant}:${slice.runMs}`);
  }
  if (show(order) !== show(["a:5", "b:5", "a:5", "b:5"])) throw new Error(`tenants a and b with one 10 ms job each (and a free job of a's) ran as ${show(order)} with a 5 ms quantum; expected turns a, b, a, b of 5 ms`);
  // Exactly one quantum runs in one slice; one ms more takes a second slice of 1 ms.
  s = make({ quantumMs: 7 });
  s.submit({ id: 1, tenant: "a", costMs: 7 });
  s.submit({ id: 2, tenant: "b", costMs: 8 });
  const runs: string[] = [];
  while ((slice = s.next()) !== undefined && runs.length < 5) runs.push(`${slice.jobId}:${slice.runMs}`);
  if (show(runs) !== show(["1:7", "2:7", "2:1"])) throw new Error(`jobs of 7 and 8 ms with a 7 ms quantum ran as ${show(runs)}; expected [1:7, 2:7, 2:1]`);
  // Billing is per tenant name, whatever the name.
  s = make({ quantumMs: 4 });
  for (const name of ADVERSARIAL_IDS) {
    const got = s.cpuMsOf(name);
    if (got !== 0) throw new Error(`cpuMsOf(${show(name)}) before any work is ${show(got)}; expected 0`);
  }
  s.submit({ id: 1, tenant: "constructor", costMs: 5 });
  s.submit({ id: 2, tenant: "__proto__", costMs: 3 });
  s.submit({ id: 3, tenant: "7", costMs: 2 });
  while (s.next() !== undefined) {
    // Run everything.
  }
  for (const [name, want] of [["constructor", 5], ["__proto__", 3], ["7", 2], ["toString", 0]] as const) {
    if (s.cpuMsOf(name) !== want) throw new Error(`cpuMsOf(${show(name)}) after its slices ran ${want} ms is ${show(s.cpuMsOf(name))}`);
  }
  // A tenant that comes back after going idle waits behind a tenant already waiting.
  s = make({ quantumMs: 10 });
  s.submit({ id: 1, tenant: "noisy", costMs: 10 });
  s.submit({ id: 2, tenant: "quiet", costMs: 10 });
  const first = s.next();
  // noisy's job is done; it comes straight back with another while quiet waits.
  s.submit({ id: 3, tenant: "noisy", costMs: 10 });
  const second = s.next();
  if (first?.tenant !== "noisy" || second?.tenant !== "quiet") {
    throw new Error(`noisy ran first (${show(first)}), went idle and resubmitted while quiet was waiting; the next slice went to ${show(second?.tenant)}, but quiet was in line first`);
  }
}

export const suite = defineLevel<Make>({
  kata: "q3-isolates",
  level: 5,
  load: (m) => {
    const Ctor = requireExport<new (o: { quantumMs: number }) => Scheduler>(m, "FairScheduler", "class");
    return (options) => new Ctor(options);
  },
  probe: (make) => {
    const s = make({ quantumMs: 5 });
    s.submit({ id: 1, tenant: "a", costMs: 3 });
    return s.next();
  },
  properties: [
    {
      name: "exact cases: a free job never runs, one quantum is one slice, a returning tenant waits its turn, billing by any tenant name",
      run: (make) => boundaryCases(make),
    },
    {
      name: "runs every job to completion in slices of at most one quantum, never idling while work waits (two schedulers side by side)",
      run: (make, ctx) =>
        check(
          fc.property(scenario, (s) => {
            for (const [n, r] of simulate(make, s).entries()) {
              const unfinished = [...r.arrivedAtMs.keys()].filter((id) => !r.completedAtMs.has(id));
              if (unfinished.length > 0) throw new Error(`scheduler ${n}: jobs ${unfinished.join(", ")} never completed`);
            }
          }),
          ctx,
          { numRuns: 60 },
        ),
    },
    {
      name: "cpuMsOf(tenant) is exactly the CPU its slices used, for any tenant name",
      run: (make, ctx) =>
        check(
          fc.property(scenario, (s) => {
            for (const [n, r] of simulate(make, s).entries()) {
              for (const tenant of new Set([...s.tenants, ...ADVERSARIAL_IDS])) {
                const want = r.cpuMs.get(tenant) ?? 0;
                const got = r.scheduler.cpuMsOf(tenant);
                if (got !== want) throw new Error(`scheduler ${n}: cpuMsOf(${show(tenant)}) = ${show(got)} ms, but its slices ran ${want} ms`);
              }
            }
          }),
          ctx,
          { numRuns: 60 },
        ),
    },
    {
      name: "a tenant that burns CPU, or keeps coming back, cannot push a quiet tenant's latency past tenants × quantum + its own cost",
      run: (make, ctx) =>
        check(
          fc.property(scenario, (s) => {
            for (const [n, r] of simulate(make, s).entries()) {
              const quantumMs = s.quantumMs + n;
              for (const [id, kind] of r.kindOf) {
                if (kind !== "quiet") continue;
                const arrived = r.arrivedAtMs.get(id) ?? 0;
                const cost = r.costOf.get(id) ?? 0;
                const latencyMs = (r.completedAtMs.get(id) ?? Infinity) - arrived;
                // Round robin over tenants: the slice running on arrival, one slice per other
                // tenant, then its own job (≤ one quantum).
                const boundMs = s.tenants.length * quantumMs + cost;
                if (latencyMs > boundMs) {
                  throw new Error(`scheduler ${n}: the quiet job #${id} (${cost} ms, arrived at ${arrived} ms) took ${latencyMs} ms; the bound with ${s.tenants.length} tenants and a ${quantumMs} ms quantum is ${boundMs} ms`);
                }
              }
            }
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
  ],
});
