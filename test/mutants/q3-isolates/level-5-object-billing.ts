// Mutant: bills CPU in a plain object, so tenants named "__proto__" or "constructor" read inherited values and add to them (tenant "constructor" runs 5 ms: cpuMsOf("constructor") is the string "function Object() { [native code] }5", not 5). (blind)

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
  readonly #cpuMs: Record<string, number> = {};

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
    if (job.remainingMs <= 0) queue.shift();
    if (queue.length > 0) this.#rotation.push(tenant);
    this.#cpuMs[tenant] = (this.#cpuMs[tenant] ?? 0) + runMs;
    return { jobId: job.id, tenant, runMs };
  }

  cpuMsOf(tenant: string): number {
    return this.#cpuMs[tenant] ?? 0;
  }
}
