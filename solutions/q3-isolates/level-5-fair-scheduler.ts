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

/** A tenant with work: its jobs in arrival order. */
interface Backlog {
  tenant: string;
  jobs: Pending[];
}

export class FairScheduler {
  /** Tenants with work, each with its backlog; a tenant whose backlog empties leaves. */
  readonly #busy = new Map<string, Backlog>();
  /** Busy tenants in turn order. A tenant appears at most once, however many jobs it has. */
  readonly #rotation: Backlog[] = [];
  readonly #cpuMs = new Map<string, number>();

  constructor(readonly options: FairSchedulerOptions) {}

  submit(job: Job): void {
    // A job that needs no CPU is done on arrival: it never runs, and it buys its tenant no turn.
    if (job.costMs === 0) return;
    let backlog = this.#busy.get(job.tenant);
    if (backlog === undefined) {
      // A tenant joins the rotation only when it goes from idle to busy, at the back: more
      // jobs do not buy more turns, and coming back after a pause does not jump the queue.
      backlog = { tenant: job.tenant, jobs: [] };
      this.#busy.set(job.tenant, backlog);
      this.#rotation.push(backlog);
    }
    backlog.jobs.push({ id: job.id, remainingMs: job.costMs });
  }

  next(): Slice | undefined {
    const backlog = this.#rotation.shift();
    if (backlog === undefined) return undefined;
    const job = backlog.jobs[0] as Pending; // A backlog in the rotation is never empty.
    const runMs = Math.min(this.options.quantumMs, job.remainingMs);
    job.remainingMs -= runMs;
    if (job.remainingMs === 0) backlog.jobs.shift();
    // Back of the line after one quantum: a long job is preempted, not run to completion.
    if (backlog.jobs.length > 0) this.#rotation.push(backlog);
    else this.#busy.delete(backlog.tenant);
    // Charge what actually ran, so a job that ends early is not billed a full quantum.
    this.#cpuMs.set(backlog.tenant, (this.#cpuMs.get(backlog.tenant) ?? 0) + runMs);
    return { jobId: job.id, tenant: backlog.tenant, runMs };
  }

  cpuMsOf(tenant: string): number {
    return this.#cpuMs.get(tenant) ?? 0;
  }
}
