/**
 * Durable Object limits, as Cloudflare publishes them. The storage limits are those of the
 * key-value storage API (Cloudflare docs, "Durable Objects > Platform > Limits").
 */

// "Key size: 2 KiB (2048 bytes)".
export const DO_KEY_SIZE_BYTES_MAX = 2048;
// "Value size: 128 KiB (131072 bytes)", measured on the structured-clone serialisation.
export const DO_VALUE_SIZE_BYTES_MAX = 131_072;
// get(), put() and delete() on several keys accept at most 128 keys (Storage API reference).
export const DO_BATCH_KEYS_MAX = 128;

// Alarms are retried with exponential backoff starting at 2 seconds, up to 6 times
// (Cloudflare docs, "Durable Objects > Alarms").
export const DO_ALARM_RETRY_DELAY_MS_INITIAL = 2000;
export const DO_ALARM_RETRIES_MAX = 6;

/** Bytes in a Durable Object id: 64 hex characters, as Cloudflare prints them. */
export const DO_ID_BYTES = 32;
