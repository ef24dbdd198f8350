/**
 * A worker thread of `checkLinearizableParallel`: decides its share of a history's partitions
 * with the same scheduler as `checkLinearizable`, and answers with operation indices.
 */
import { parentPort, workerData } from "node:worker_threads";
import { deadline, decidePartitions } from "./check.js";
import { modelByName } from "./history-file.js";
import type { PartitionJob } from "./parallel.js";

const job = workerData as PartitionJob;
const model = modelByName(job.model, job.modelOptions);
parentPort?.postMessage(decidePartitions(model, job.partitions, job.stepsMax, deadline(job.timeoutMs), job.memoBytesMax));
