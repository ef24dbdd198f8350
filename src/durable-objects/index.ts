/**
 * Durable Objects: one single-threaded instance per id, worldwide, placed near its first
 * caller, with transactional storage that outlives the instance. Input gates keep storage
 * round trips from interleaving events, output gates keep results from leaving before their
 * writes are durable, alarms run at least once, and a region failure moves objects without
 * letting two instances both commit. SQLite-backed classes (`new_sqlite_classes`) get a private
 * SQLite database with Cloudflare's SQL API, synchronous KV and point-in-time recovery; one object
 * refuses requests past Cloudflare's per-object throughput limit.
 */
export { DurableObjectRuntime, type DurableObjectRuntimeOptions, type DoScheduler } from "./runtime.js";
export { DurableObjectNamespace, DurableObjectStub, type CallMetrics } from "./namespace.js";
export { DurableObjectId, idFromName, idFromString, newUniqueId } from "./object-id.js";
export { DurableObjectStorage, SQL_NOT_ENABLED_MESSAGE } from "./object-storage.js";
export { SqliteDurableObjectStorage, SqlStorage, SyncKvStorage, type CommitMode } from "./sqlite-object-storage.js";
export { SqlStorageCursor, type SqlStorageValue } from "./sql-storage.js";
export { SQL_NOT_AUTHORIZED_MESSAGE, SQL_TRANSACTION_MESSAGE } from "./sql-policy.js";
export { planMigrations, backendOf, type MigrationStep, type MigrationPlan, type StorageBackend } from "./migrations.js";
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
  DO_SQLITE_KEY_VALUE_BYTES_MAX,
  DO_SQLITE_DATABASE_BYTES_MAX,
  DO_SQL_COLUMNS_MAX,
  DO_SQL_VALUE_BYTES_MAX,
  DO_SQL_STATEMENT_BYTES_MAX,
  DO_SQL_BOUND_PARAMETERS_MAX,
  DO_PITR_WINDOW_MS,
  DO_REQUESTS_PER_SECOND_SOFT_MAX,
  DO_OVERLOAD_WINDOW_MS,
  DO_OVERLOADED_MESSAGE,
} from "./limits.js";
