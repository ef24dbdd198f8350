// Q3 · level 5 · Noisy neighbour
// Many tenants share one runtime process, and one of them has discovered that its requests
// may burn CPU right up to the limit, thousands at a time. If the process runs requests in
// arrival order, everyone else's latency becomes that tenant's backlog.
//
// Implement `FairScheduler` (a virtual-time model of one CPU):
// - `submit(job)` queues a job of `costMs` CPU for its tenant.
// - `next()` picks what runs now: a `Slice` of one job for `runMs` (0 < runMs ≤ quantumMs and
//   ≤ the job's remaining cost), or undefined when no work is left. The caller runs the slice in
//   full before calling `next()` again, and may submit more jobs in between.
// - `cpuMsOf(tenant)` is the CPU the tenant's slices have used so far.
// Fairness is across tenants, not jobs: a tenant with 1,000 queued jobs gets the same share of
// turns as a tenant with one. The suite checks that a quiet tenant (one job of at most a
// quantum at a time) sees each job complete within `tenants × quantumMs + costMs` of its
// arrival, whatever the others submit: the bound of round robin over tenants (deficit round
// robin with equal quanta, Shreedhar & Varghese 1995).
import { assert } from "../../src/core/errors.js";

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

interface Pending {
  id: number;
  remainingMs: number;
}

export class FairScheduler {
  readonly #queues = new Map<string, Pending[]>();
  /** Tenants with work, in turn order. A tenant appears at most once, however many jobs it has. */
  readonly #rotation: string[] = [];
  readonly #cpuMs = new Map<string, number>();

  constructor(readonly options: FairSchedulerOptions) {
    assert(options.quantumMs > 0, `quantumMs must be > 0, got ${options.quantumMs}`);
  }

  submit(job: Job): void {
    const queue = this.#queues.get(job.tenant) ?? [];
    this.#queues.set(job.tenant, queue);
    // A tenant joins the rotation only when it goes from idle to busy: more jobs do not buy
    // more turns, which is what keeps a flood from pushing everyone else back.
    if (queue.length === 0) this.#rotation.push(job.tenant);
    queue.push({ id: job.id, remainingMs: job.costMs });
  }

  next(): Slice | undefined {
    const tenant = this.#rotation.shift();
    if (tenant === undefined) return undefined;
    const queue = this.#queues.get(tenant);
    const job = queue?.[0];
    assert(queue !== undefined && job !== undefined, `tenant ${tenant} is in the rotation without work`);
    const runMs = Math.min(this.options.quantumMs, job.remainingMs);
    job.remainingMs -= runMs;
    if (job.remainingMs <= 0) queue.shift();
    // Back of the line after one quantum: a long job is preempted, not run to completion.
    if (queue.length > 0) this.#rotation.push(tenant);
    // Charge what actually ran, so a job that ends early is not billed a full quantum.
    this.#cpuMs.set(tenant, (this.#cpuMs.get(tenant) ?? 0) + runMs);
    return { jobId: job.id, tenant, runMs };
  }

  cpuMsOf(tenant: string): number {
    return this.#cpuMs.get(tenant) ?? 0;
  }
}
