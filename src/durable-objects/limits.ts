/**
 * Durable Object limits, as Cloudflare publishes them. The figures the book quotes come from
 * the facts registry (src/facts names each page); the SQL limits below are read from:
 * - LIMITS: https://developers.cloudflare.com/durable-objects/platform/limits/
 * - STORAGE_API: https://developers.cloudflare.com/durable-objects/api/sqlite-storage-api/
 * - FAQ: the "How much work can a single Durable Object do?" answer on the limits page
 * - TROUBLESHOOTING: https://developers.cloudflare.com/durable-objects/observability/troubleshooting/
 * Cloudflare counts Durable Object storage in decimal units (limits page footnote: 1 GB =
 * 1,000,000,000 bytes), so "2 MB" is 2,000,000 bytes and "100 KB" is 100,000.
 */
import { fact } from "../facts/index.js";

// ---- Key-value backend (legacy; classes created with `new_classes`), LIMITS "Key-value backed".
// "Key size: 2 KiB (2048 bytes)".
export const DO_KEY_SIZE_BYTES_MAX = fact("do.kv.keyBytesMax").value;
// "Value size: 128 KiB (131072 bytes)", measured on the structured-clone serialisation.
export const DO_VALUE_SIZE_BYTES_MAX = fact("do.kv.valueBytesMax").value;
// get(), put() and delete() on several keys accept at most 128 keys (Storage API reference).
export const DO_BATCH_KEYS_MAX = fact("do.kv.batchKeysMax").value;

// ---- SQLite backend (`new_sqlite_classes`), LIMITS "SQLite-backed Durable Objects general limits".
// "Key and value combined cannot exceed 2 MB" (key as UTF-8, value as its serialisation).
export const DO_SQLITE_KEY_VALUE_BYTES_MAX = fact("do.sqlite.keyValueBytesMax").value;
// "Storage per Durable Object: 10 GB".
export const DO_SQLITE_DATABASE_BYTES_MAX = fact("do.sqlite.storageBytesPerObjectMax").value;

// ---- SQL limits, LIMITS "SQL storage limits".
// "Maximum number of columns per table: 100" (SQLITE_LIMIT_COLUMN; also result columns).
export const DO_SQL_COLUMNS_MAX = fact("do.sql.columnsMax").value;
// "Maximum string, BLOB or table row size: 2 MB".
export const DO_SQL_VALUE_BYTES_MAX = fact("do.sql.valueBytesMax").value;
// "Maximum SQL statement length: 100 KB" (the whole string given to exec()).
export const DO_SQL_STATEMENT_BYTES_MAX = fact("do.sql.statementBytesMax").value;
// "Maximum bound parameters per query: 100".
export const DO_SQL_BOUND_PARAMETERS_MAX = fact("do.sql.boundParametersMax").value;
// Not enforced: "Maximum arguments per SQL function: 32" and "Maximum characters (bytes) in a
// LIKE or GLOB pattern: 50 bytes" (better-sqlite3 cannot set SQLite's limits; see the README).

// ---- Point-in-time recovery, STORAGE_API "PITR API": "any point in time in the past 30 days".
export const DO_PITR_WINDOW_MS = fact("do.pitrWindowDays").value * 24 * 60 * 60 * 1000;

// ---- Throughput. FAQ: "An individual Object has a soft limit of 1,000 requests per second."
// TROUBLESHOOTING names the error for "too many requests for the same object within a 10 second
// window"; the simulator counts requests in that window and refuses beyond the soft limit.
export const DO_REQUESTS_PER_SECOND_SOFT_MAX = fact("do.requestsPerSecondSoftMax").value;
export const DO_OVERLOAD_WINDOW_MS = fact("do.overloadWindowSeconds").value * 1000;
export const DO_OVERLOADED_MESSAGE = "Durable Object is overloaded. Too many requests for the same object within a 10 second window.";

// Alarms are retried with exponential backoff starting at 2 seconds, up to 6 times
// (Cloudflare docs, "Durable Objects > Alarms").
export const DO_ALARM_RETRY_DELAY_MS_INITIAL = fact("do.alarmRetryDelayMsInitial").value;
export const DO_ALARM_RETRIES_MAX = fact("do.alarmRetriesMax").value;

/** Bytes in a Durable Object id: 64 hex characters, as Cloudflare prints them. */
export const DO_ID_BYTES = 32;
