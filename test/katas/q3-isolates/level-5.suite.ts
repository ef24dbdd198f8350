import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";

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

interface Arrival extends Job {
  atMs: number;
  quiet: boolean;
}
interface Scenario {
  quantumMs: number;
  tenants: number;
  arrivals: Arrival[];
}

/**
 * Noisy tenants flood bursts of long jobs (up to 10 quanta each); quiet tenants send one short
 * job (≤ one quantum) at a time, spaced so they never queue behind themselves.
 */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({ quantumMs: fc.integer({ min: 1, max: 8 }), noisy: fc.integer({ min: 1, max: 3 }), quiet: fc.integer({ min: 1, max: 2 }) })
  .chain(({ quantumMs, noisy, quiet }) => {
    const tenants = noisy + quiet;
    const gapMs = (tenants + 1) * quantumMs + 1;
    const burst = fc.record({
      atMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 })),
      count: fc.integer({ min: 1, max: 12 }),
      costMs: fc.integer({ min: 1, max: 10 * quantumMs }),
    });
    return fc.record({
      quantumMs: fc.constant(quantumMs),
      tenants: fc.constant(tenants),
      noisy: fc.array(fc.array(burst, { minLength: 1, maxLength: 4 }), { minLength: noisy, maxLength: noisy }),
      quiet: fc.array(fc.array(fc.record({ slot: fc.integer({ min: 0, max: 40 }), costMs: fc.integer({ min: 1, max: quantumMs }) }), { minLength: 1, maxLength: 8 }), {
        minLength: quiet,
        maxLength: quiet,
      }),
    }).map((s) => {
      const arrivals: Arrival[] = [];
      let id = 0;
      s.noisy.forEach((bursts, t) => {
        for (const b of bursts) for (let i = 0; i < b.count; i++) arrivals.push({ id: id++, tenant: `noisy-${t}`, costMs: b.costMs, atMs: b.atMs, quiet: false });
      });
      s.quiet.forEach((jobs, t) => {
        const slots = [...new Set(jobs.map((j) => j.slot))];
        slots.forEach((slot, i) => arrivals.push({ id: id++, tenant: `quiet-${t}`, costMs: jobs[i]?.costMs ?? 1, atMs: slot * gapMs, quiet: true }));
      });
      arrivals.sort((a, b) => a.atMs - b.atMs || a.id - b.id);
      return { quantumMs: s.quantumMs, tenants: s.tenants, arrivals };
    });
  });

interface Result {
  completedAtMs: Map<number, number>;
  cpuMs: Map<string, number>;
  scheduler: Scheduler;
}

/** One CPU in virtual time. Checks that every slice is well formed and that no work is dropped. */
function simulate(make: Make, s: Scenario): Result {
  const scheduler = make({ quantumMs: s.quantumMs });
  const remaining = new Map<number, number>();
  const owner = new Map<number, string>();
  const completedAtMs = new Map<number, number>();
  const cpuMs = new Map<string, number>();
  let nowMs = 0;
  let i = 0;
  const totalMs = s.arrivals.reduce((sum, a) => sum + a.costMs, 0);
  for (let steps = 0; steps <= totalMs + s.arrivals.length + 1; steps++) {
    while (i < s.arrivals.length && (s.arrivals[i]?.atMs ?? Infinity) <= nowMs) {
      const a = s.arrivals[i++] as Arrival;
      remaining.set(a.id, a.costMs);
      owner.set(a.id, a.tenant);
      scheduler.submit({ id: a.id, tenant: a.tenant, costMs: a.costMs });
    }
    const slice = scheduler.next();
    if (slice === undefined) {
      const left = [...remaining].filter(([, ms]) => ms > 0);
      if (left.length > 0) throw new Error(`next() said idle at ${nowMs} ms with jobs ${left.map(([id, ms]) => `#${id} (${ms} ms left)`).join(", ")} unfinished`);
      if (i >= s.arrivals.length) return { completedAtMs, cpuMs, scheduler };
      nowMs = s.arrivals[i]?.atMs ?? nowMs;
      continue;
    }
    const left = remaining.get(slice.jobId);
    if (left === undefined || left <= 0) throw new Error(`next() at ${nowMs} ms ran job #${slice.jobId}, which is ${left === undefined ? "unknown" : "finished"}`);
    if (owner.get(slice.jobId) !== slice.tenant) throw new Error(`slice of job #${slice.jobId} names tenant ${slice.tenant}, but it belongs to ${owner.get(slice.jobId)}`);
    if (!(slice.runMs > 0 && slice.runMs <= s.quantumMs && slice.runMs <= left)) {
      throw new Error(`slice of job #${slice.jobId} runs ${slice.runMs} ms; it must be > 0, ≤ quantum ${s.quantumMs} ms and ≤ the ${left} ms left`);
    }
    nowMs += slice.runMs;
    remaining.set(slice.jobId, left - slice.runMs);
    cpuMs.set(slice.tenant, (cpuMs.get(slice.tenant) ?? 0) + slice.runMs);
    if (left - slice.runMs === 0) completedAtMs.set(slice.jobId, nowMs);
  }
  throw new Error("the scheduler never went idle: more slices than the total work allows");
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
      name: "runs every job to completion in slices of at most one quantum, never idling while work waits",
      run: (make, ctx) =>
        check(
          fc.property(scenario, (s) => {
            const r = simulate(make, s);
            const unfinished = s.arrivals.filter((a) => !r.completedAtMs.has(a.id));
            if (unfinished.length > 0) throw new Error(`jobs ${unfinished.map((a) => a.id).join(", ")} never completed`);
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
    {
      name: "cpuMsOf(tenant) is exactly the CPU its slices used",
      run: (make, ctx) =>
        check(
          fc.property(scenario, (s) => {
            const r = simulate(make, s);
            for (const tenant of new Set(s.arrivals.map((a) => a.tenant))) {
              const want = r.cpuMs.get(tenant) ?? 0;
              const got = r.scheduler.cpuMsOf(tenant);
              if (got !== want) throw new Error(`cpuMsOf(${tenant}) = ${got} ms, but its slices ran ${want} ms`);
            }
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
    {
      name: "a tenant that burns CPU cannot push a quiet tenant's latency past tenants × quantum + its own cost",
      run: (make, ctx) =>
        check(
          fc.property(scenario, (s) => {
            const r = simulate(make, s);
            for (const a of s.arrivals.filter((x) => x.quiet)) {
              const latencyMs = (r.completedAtMs.get(a.id) ?? Infinity) - a.atMs;
              // Round robin over tenants: the slice running on arrival, one slice per other
              // tenant, then its own job (≤ one quantum).
              const boundMs = s.tenants * s.quantumMs + a.costMs;
              if (latencyMs > boundMs) {
                throw new Error(`${a.tenant}'s job #${a.id} (${a.costMs} ms, arrived at ${a.atMs} ms) took ${latencyMs} ms; bound with ${s.tenants} tenants and a ${s.quantumMs} ms quantum is ${boundMs} ms`);
              }
            }
          }),
          ctx,
          { numRuns: 150 },
        ),
    },
  ],
});
