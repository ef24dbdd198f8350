// Mutant: rotates only when a job finishes: a tenant keeps the CPU, one quantum per slice, until its current job is done, so a quiet job waits behind whole noisy jobs (quantum 10: noisy job of 100 ms running, quiet job of 10 ms arrives at 10 ms and completes at 110 ms; the bound for 2 tenants is 2·10 + 10 = 30 ms). (blind)

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
    if (queue.length === 0) this.#rotation.push(job.tenant);
    queue.push({ id: job.id, remainingMs: job.costMs });
  }

  next(): Slice | undefined {
    const tenant = this.#rotation.shift();
    if (tenant === undefined) return undefined;
    const queue = this.#queues.get(tenant)!;
    const job = queue[0]!;
    const runMs = Math.min(this.options.quantumMs, job.remainingMs);
    job.remainingMs -= runMs;
    if (job.remainingMs > 0) {
      this.#rotation.unshift(tenant); // finish the job before switching
    } else {
      queue.shift();
      if (queue.length > 0) this.#rotation.push(tenant);
    }
    this.#cpuMs.set(tenant, (this.#cpuMs.get(tenant) ?? 0) + runMs);
    return { jobId: job.id, tenant, runMs };
  }

  cpuMsOf(tenant: string): number {
    return this.#cpuMs.get(tenant) ?? 0;
  }
}
