/**
 * Resource limits of one Worker invocation. Cloudflare's figures come from the facts registry
 * (src/facts), which names each one's source; the others are this platform's choices and say
 * so. The runtime enforces them with measurements, not promises.
 */
import { fact } from "../facts/index.js";

/**
 * Default CPU budget per request: this platform's choice, between Cloudflare's free-plan 10 ms
 * and its paid default of 30 s (which a paid Worker may raise to 5 min); `limits.cpu_ms` in
 * wrangler.toml overrides it, as on Cloudflare.
 */
export const CPU_MS_MAX_DEFAULT = 50;

/** Memory per isolate (Cloudflare: 128 MB). */
export const MEMORY_MB_MAX_DEFAULT = fact("workers.memoryMbMax").value;

/** isolated-vm refuses a `memoryLimit` below 8 MB (isolated-vm README, `new Isolate`). */
export const MEMORY_MB_MIN = 8;

/** Global-scope startup time (Cloudflare: 1 s since October 2025, 400 ms before). */
export const STARTUP_MS_MAX = fact("workers.startupMsMax").value;

/** Wall time `ctx.waitUntil` work may run after the response (Cloudflare: 30 s). */
export const WAIT_UNTIL_MS_MAX = fact("workers.waitUntilMsAfterResponse").value;

/**
 * CryptoKeys one isolate may hold at once; each is a host object, so the table is bounded.
 * Keys the isolate garbage-collects are released, so only live keys count.
 */
export const CRYPTO_KEYS_PER_ISOLATE_MAX = 10_000;

/** DigestStreams one isolate may have open; each holds a host hash state. This platform's choice. */
export const DIGEST_STREAMS_PER_ISOLATE_MAX = 1_000;

/** CompressionStreams and DecompressionStreams one isolate may have open; each holds a host zlib stream. */
export const ZLIB_STREAMS_PER_ISOLATE_MAX = 1_000;

/**
 * The most one chunk through a (de)compression stream may produce on the host. A larger result
 * (a decompression bomb, say) fails the stream instead of allocating; this platform's choice.
 */
export const ZLIB_OUTPUT_BYTES_PER_CALL_MAX = 16 * 1024 * 1024;

/** Timers one isolate may have pending; each holds a host timer, so the count is bounded. */
export const TIMERS_PENDING_MAX = 10_000;

/**
 * Host body streams one isolate may hold at once: request bodies, subrequest response bodies
 * and tee branches the isolate has not passed on or read to the end. Each may hold an origin
 * connection open, so the table is bounded; this platform's choice.
 */
export const BODY_STREAMS_PER_ISOLATE_MAX = 1_000;

/**
 * A host body at most this long that is already complete in memory when it crosses into the
 * isolate (a body built from a string, a stored cache answer) is copied in whole, as bytes, so
 * reading it costs no host round trips; anything longer, or still arriving, stays on the host
 * as a stream. This platform's choice.
 */
export const BODY_INLINE_BYTES_MAX = 64 * 1024;

/**
 * The most one read of a host body stream copies into the isolate. A larger chunk from the
 * host is handed over in pieces, so a single read never adds more than this to the heap. Each
 * read is one host round trip (on the order of 0.1 ms of isolate CPU on the test machines), so
 * the pieces are not made smaller than they need to be; this platform's choice.
 */
export const BODY_CHUNK_BYTES_MAX = 256 * 1024;

/** Durable Object ids remembered per isolate to map hex strings back to host ids. */
export const DO_IDS_REMEMBERED_MAX = 10_000;

/** How often the CPU watchdog samples `isolate.cpuTime`; bounds how far a runaway overshoots. */
export const CPU_WATCHDOG_INTERVAL_MS = 2;

/**
 * Console lines kept per request, and characters per line. The logs live on the host, so a
 * tenant logging in a loop must not grow host memory without bound; this platform's choice.
 */
export const LOG_LINES_PER_REQUEST_MAX = 1_000;
export const LOG_LINE_CHARS_MAX = 16_384;

/** Cloudflare's body for "Worker exceeded resource limits" (error 1102). */
export const ERROR_1102_BODY = "error code: 1102";

/** Cloudflare's body for "Worker threw exception" (error 1101). */
export const ERROR_1101_BODY = "error code: 1101";

/**
 * HTMLRewriter transforms running at once in one isolate, and lol-html engines (one WebAssembly
 * instance each, ~1.2 MiB of linear memory) alive in the process. This platform's choices: an
 * engine serves one transform at a time (its async handlers suspend the engine's stack).
 */
export const HTML_REWRITERS_PER_ISOLATE_MAX = 16;
export const HTML_ENGINES_MAX = 64;

/**
 * The largest WebSocket message a worker receives (Cloudflare: 1 MiB); a larger one closes the
 * socket with 1009 "Message is too large", as on Cloudflare.
 */
export const WEB_SOCKET_MESSAGE_BYTES_MAX = fact("workers.webSocketMessageBytesMax").value;

/**
 * WebSockets one isolate may hold host handles for (each end passed to or received from the
 * host). This platform's choice, to bound the table; Cloudflare documents 32,768 per Durable Object.
 */
export const WEB_SOCKETS_PER_ISOLATE_MAX = 32_768;

/**
 * Events a host WebSocket keeps for a peer that is not attached yet (the worker sent before the
 * client's upgrade completed) or for an isolate still busy with earlier events; beyond, the
 * socket is closed with 1011. This platform's choice.
 */
export const WEB_SOCKET_EVENTS_QUEUED_MAX = 1_024;
