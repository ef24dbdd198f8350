// Q3 · level 5 · Noisy neighbour
// Many tenants share one runtime process, and one of them has discovered that its requests
// may burn CPU right up to the limit, thousands at a time. If the process runs requests in
// arrival order, everyone else's latency becomes that tenant's backlog.
//
// Implement `FairScheduler` (a virtual-time model of one CPU):
// - `submit(job)` queues a job of `costMs` CPU for its tenant. Times are whole milliseconds:
//   `quantumMs` ≥ 1, `costMs` ≥ 0. A job with `costMs` 0 needs no CPU: it is done on arrival,
//   never appears in a slice and gives its tenant no turn. Job ids are unique; tenant names are
//   any strings ("__proto__" and "constructor" included).
// - `next()` picks what runs now: a `Slice` of one job of the tenant whose turn it is, for
//   `runMs` = min(quantumMs, the job's remaining cost), or undefined when no work is left. The
//   caller runs the slice in full before calling `next()` again, and may submit more jobs in
//   between.
// - `cpuMsOf(tenant)` is the CPU the tenant's slices have used so far (0 for a tenant never
//   seen). Several schedulers (one per CPU) run side by side and share nothing.
// Fairness is across tenants, not jobs: a tenant with 1,000 queued jobs gets the same share of
// turns as a tenant with one, and a tenant that goes idle and comes back joins the back of the
// rotation, behind tenants already waiting. The suite checks that a quiet tenant (one job of at
// most a quantum at a time) sees each job complete within `tenants × quantumMs + costMs` of
// its arrival, whatever the others submit: the bound of round robin over tenants (deficit
// round robin with equal quanta, Shreedhar & Varghese 1995).
// Hints: `npm run kata -- hint q3/5`. Grade: `npm run kata -- check q3/5`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface Job {
  id: number;
  tenant: string;
  costMs: number;
}

export interface Slice {
  jobId: number;
  tenant: string;
  runMs: number;
}

export interface FairSchedulerOptions {
  /** The longest a tenant runs before another tenant gets a turn. */
  quantumMs: number;
}

export class FairScheduler {
  constructor(readonly options: FairSchedulerOptions) {}

  submit(job: Job): void {
    // TODO: a queue per tenant, and a rotation of the tenants that have work.
    throw new NotImplemented("FairScheduler.submit");
  }

  next(): Slice | undefined {
    // TODO: the tenant at the head of the rotation runs one quantum (or less), then goes to the back.
    throw new NotImplemented("FairScheduler.next");
  }

  cpuMsOf(tenant: string): number {
    throw new NotImplemented("FairScheduler.cpuMsOf");
  }
}
