// Mutant: the rotation is over jobs, not tenants, so a tenant with 12 queued jobs gets 12 turns per round.
import { assert } from "../../../src/core/errors.js";

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
    this.#rotation.push(job.tenant);
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
    else this.#rotation.push(tenant);
    // Charge what actually ran, so a job that ends early is not billed a full quantum.
    this.#cpuMs.set(tenant, (this.#cpuMs.get(tenant) ?? 0) + runMs);
    return { jobId: job.id, tenant, runMs };
  }

  cpuMsOf(tenant: string): number {
    return this.#cpuMs.get(tenant) ?? 0;
  }
}
