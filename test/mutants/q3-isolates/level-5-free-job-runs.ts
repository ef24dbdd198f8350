// Mutant: a job with costMs 0 is queued like any other, so next() hands out a slice of 0 ms for it.
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
    // Every job is queued, whatever it costs.
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
    if (job.remainingMs <= 0) backlog.jobs.shift();
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
