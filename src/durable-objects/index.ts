/**
 * Durable Objects: one single-threaded instance per id, worldwide, placed near its first
 * caller, with transactional storage that outlives the instance. Input gates keep storage
 * round trips from interleaving events, output gates keep results from leaving before their
 * writes are durable, alarms run at least once, and a region failure moves objects without
 * letting two instances both commit.
 */
export { DurableObjectRuntime, type DurableObjectRuntimeOptions, type DoScheduler } from "./runtime.js";
export { DurableObjectNamespace, DurableObjectStub, type CallMetrics } from "./namespace.js";
export { DurableObjectId, idFromName, idFromString, newUniqueId } from "./object-id.js";
export { DurableObjectStorage } from "./object-storage.js";
export { TransactionStorage } from "./transaction.js";
export { InputGate, OutputGate } from "./gates.js";
export { type DoEvent } from "./object-host.js";
export { type AlarmObserver } from "./alarm-scheduler.js";
export { encodeValue, decodeValue } from "./structured-value.js";
export {
  DO_KEY_SIZE_BYTES_MAX,
  DO_VALUE_SIZE_BYTES_MAX,
  DO_BATCH_KEYS_MAX,
  DO_ALARM_RETRY_DELAY_MS_INITIAL,
  DO_ALARM_RETRIES_MAX,
  DO_ID_BYTES,
} from "./limits.js";
