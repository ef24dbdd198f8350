/**
 * Durable Object limits, as Cloudflare publishes them, from the facts registry (src/facts
 * names each page). The storage limits are those of the key-value storage API (Cloudflare
 * docs, "Durable Objects > Platform > Limits").
 */
import { fact } from "../facts/index.js";

// "Key size: 2 KiB (2048 bytes)".
export const DO_KEY_SIZE_BYTES_MAX = fact("do.kv.keyBytesMax").value;
// "Value size: 128 KiB (131072 bytes)", measured on the structured-clone serialisation.
export const DO_VALUE_SIZE_BYTES_MAX = fact("do.kv.valueBytesMax").value;
// get(), put() and delete() on several keys accept at most 128 keys (Storage API reference).
export const DO_BATCH_KEYS_MAX = fact("do.kv.batchKeysMax").value;

// Alarms are retried with exponential backoff starting at 2 seconds, up to 6 times
// (Cloudflare docs, "Durable Objects > Alarms").
export const DO_ALARM_RETRY_DELAY_MS_INITIAL = fact("do.alarmRetryDelayMsInitial").value;
export const DO_ALARM_RETRIES_MAX = fact("do.alarmRetriesMax").value;

/** Bytes in a Durable Object id: 64 hex characters, as Cloudflare prints them. */
export const DO_ID_BYTES = 32;
