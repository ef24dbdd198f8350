import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { checkLinearizable, STEPS_MAX_DEFAULT, validateHistory, verdictOf, type PartitionsOutcome } from "./check.js";
import { modelByName, type ModelName } from "./history-file.js";
import type { CheckOptions, CheckResult, Operation } from "./types.js";

/** Below this many operations a thread costs more to start (~50 ms) than it saves. */
export const PARALLEL_OPERATIONS_MIN = 2_000;

export interface ParallelCheckOptions extends CheckOptions {
  /** Worker threads to use. @defaultValue the machine's available parallelism */
  threads?: number;
}

/** What one worker is given: a built-in model by name and its share of the partitions. */
export interface PartitionJob {
  model: ModelName;
  modelOptions: Record<string, unknown>;
  partitions: Operation<unknown, unknown>[][];
  stepsMax: number;
  timeoutMs: number | undefined;
  memoBytesMax: number | undefined;
}

/**
 * `checkLinearizable` for large histories of a built-in model: the partitions are shared out
 * among worker threads (largest first, each to the least loaded thread), each thread decides
 * its share smallest first and round-robin, and the first refuted partition ends every thread.
 * Small histories, or ones with a single partition, are checked on this thread.
 */
export async function checkLinearizableParallel(spec: { model: ModelName; modelOptions?: Record<string, unknown> }, history: readonly Operation<unknown, unknown>[], options: ParallelCheckOptions = {}): Promise<CheckResult<unknown, unknown>> {
  const model = modelByName(spec.model, spec.modelOptions);
  validateHistory(model, history);
  const partitions = model.partition ? model.partition(history) : [history.slice()];
  const threads = Math.min(options.threads ?? availableParallelism(), partitions.length);
  if (threads < 2 || history.length < PARALLEL_OPERATIONS_MIN) return checkLinearizable(model, history, options);
  const stepsMax = options.stepsMax ?? STEPS_MAX_DEFAULT;
  // Longest-processing-time first: a partition's size stands in for its cost.
  const shares = Array.from({ length: threads }, () => ({ load: 0, indices: [] as number[] }));
  const bySize = partitions.map((p, i) => i).sort((a, b) => (partitions[b] as unknown[]).length - (partitions[a] as unknown[]).length);
  for (const i of bySize) {
    const share = shares.reduce((least, s) => (s.load < least.load ? s : least));
    share.indices.push(i);
    share.load += (partitions[i] as unknown[]).length;
  }
  const workers: Worker[] = [];
  const outcome = await new Promise<PartitionsOutcome>((resolve, reject) => {
    const orders: number[][] = new Array<number[]>(partitions.length);
    let finished = 0;
    let steps = 0;
    let undecided: { decided: number; memoryFull: boolean } | undefined;
    for (const share of shares) {
      const job: PartitionJob = {
        model: spec.model,
        modelOptions: spec.modelOptions ?? {},
        partitions: share.indices.map((i) => partitions[i] as Operation<unknown, unknown>[]),
        // Each thread may spend its share of the step budget.
        stepsMax: Math.ceil(stepsMax / threads),
        timeoutMs: options.timeoutMs,
        memoBytesMax: options.memoBytesMax,
      };
      const worker = spawnWorker(job);
      workers.push(worker);
      worker.once("error", reject);
      worker.once("message", (result: PartitionsOutcome) => {
        steps += result.steps;
        if (result.kind === "refuted") {
          resolve({ ...result, partition: share.indices[result.partition] as number, steps });
          return;
        }
        if (result.kind === "undecided") undecided = { decided: (undecided?.decided ?? 0) + result.decided, memoryFull: (undecided?.memoryFull ?? false) || result.memoryFull };
        else result.orders.forEach((order, k) => (orders[share.indices[k] as number] = order));
        if (++finished < shares.length) return;
        if (undecided) resolve({ kind: "undecided", decided: undecided.decided + orders.filter(Boolean).length, steps, memoryFull: undecided.memoryFull });
        else resolve({ kind: "linearizable", orders, steps });
      });
    }
  }).finally(() => Promise.all(workers.map((w) => w.terminate())));
  return verdictOf(model, partitions, outcome, options);
}

/**
 * Starts the worker from its TypeScript source: the project runs from source under tsx, so the
 * thread registers tsx's loader before importing it.
 */
function spawnWorker(job: PartitionJob): Worker {
  const loader = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./partition-worker.ts", import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(loader)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData: job });
}

