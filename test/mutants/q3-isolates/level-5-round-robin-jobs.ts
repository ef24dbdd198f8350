// Mutant: puts the tenant into the rotation once per submitted job, so turns are shared across jobs, not tenants (quantum 10: noisy submits 3 jobs of 10 ms, then quiet submits 1 of 10 ms: quiet runs fourth, at 30 ms, and a noisy tenant with 100 queued jobs gets 100 turns per quiet turn). (blind)

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
    this.#rotation.push(job.tenant);
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
    else this.#rotation.push(tenant); // its job goes back in line
    this.#cpuMs.set(tenant, (this.#cpuMs.get(tenant) ?? 0) + runMs);
    return { jobId: job.id, tenant, runMs };
  }

  cpuMsOf(tenant: string): number {
    return this.#cpuMs.get(tenant) ?? 0;
  }
}
