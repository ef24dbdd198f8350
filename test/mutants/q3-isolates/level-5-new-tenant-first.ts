// Mutant: puts a tenant that goes from idle to busy at the FRONT of the rotation (new flows first, as in fq_codel), so tenants that keep going idle and coming back overtake a waiting tenant indefinitely (quantum 10: quiet waits behind noisy A; each time A's burst ends and it resubmits, A runs again before quiet). (blind)

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

interface QueuedJob {
  id: number;
  remainingMs: number;
}

export class FairScheduler {
  /** Per tenant, its jobs in arrival order. */
  readonly #queues = new Map<string, QueuedJob[]>();
  /** Tenants with work, in turn order. */
  readonly #rotation: string[] = [];
  readonly #cpuMs = new Map<string, number>();

  constructor(readonly options: FairSchedulerOptions) {}

  submit(job: Job): void {
    let queue = this.#queues.get(job.tenant);
    if (queue === undefined) {
      queue = [];
      this.#queues.set(job.tenant, queue);
    }
    if (queue.length === 0) this.#rotation.unshift(job.tenant); // a newly active tenant goes first
    queue.push({ id: job.id, remainingMs: job.costMs });
  }

  next(): Slice | undefined {
    const tenant = this.#rotation.shift();
    if (tenant === undefined) return undefined;
    const queue = this.#queues.get(tenant)!;
    const job = queue[0]!;
    const runMs = Math.min(this.options.quantumMs, job.remainingMs);
    job.remainingMs -= runMs;
    if (job.remainingMs <= 0) queue.shift();
    if (queue.length > 0) this.#rotation.push(tenant);
    this.#cpuMs.set(tenant, (this.#cpuMs.get(tenant) ?? 0) + runMs);
    return { jobId: job.id, tenant, runMs };
  }

  cpuMsOf(tenant: string): number {
    return this.#cpuMs.get(tenant) ?? 0;
  }
}
