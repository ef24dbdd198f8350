import { concatBytes } from "../core/bytes.js";
import { BODY_CHUNK_BYTES_MAX, BODY_INLINE_BYTES_MAX, BODY_STREAMS_PER_ISOLATE_MAX } from "./limits.js";

/**
 * A body stream handle from the isolate that names no stream it may use: never issued, already
 * passed on, read to the end, cancelled, or released with its request. It crosses back into the
 * isolate as a TypeError with this message, as any misuse of a body does in Workers.
 */
export class BodyStreamError extends TypeError {}

interface Entry {
  stream: ReadableStream<Uint8Array>;
  /** Set once the isolate reads from the stream; a stream being read can no longer be passed on. */
  reader: ReadableStreamDefaultReader<Uint8Array> | null;
  /** The part of the last host chunk not yet handed over (chunks are cut to BODY_CHUNK_BYTES_MAX). */
  rest: Uint8Array | null;
  reading: boolean;
  /** The scopes (requests) that were in flight when the stream was handed over; see `open`. */
  owners: Set<number>;
  /** Owned by whoever called the worker (the incoming request's body): dropped, never cancelled. */
  borrowed: boolean;
}

/**
 * The host half of streamed bodies, one table per isolate. A body the isolate receives (the
 * incoming request's, a subrequest's response, a Durable Object's response) stays here as a
 * host `ReadableStream`; the isolate gets a small integer handle. If the isolate's code reads
 * the body, it pulls chunks through `read`; if it passes the body on untouched (`fetch(request)`,
 * `return response`), the handle comes back and `take` hands the original stream to the host,
 * which pipes it: no byte of it is copied into the isolate. (A short body that is already
 * complete in memory skips the table and crosses as bytes: see `inlineIfComplete`.)
 *
 * Handles arrive from untrusted code, so each one is checked: a number this table issued and
 * still holds. Tables are per isolate, so a handle can only ever name a stream of the isolate
 * that received it.
 *
 * Lifetime: the host cannot tell which request's code is running when the isolate asks for a
 * subrequest (one isolate serves many requests at once, and promise continuations carry no
 * request identity), so a stream is owned by every request (scope) in flight when it was asked
 * for, and released when the last of them has finished, as Cloudflare ends a request's I/O
 * objects with the request. Nothing outlives the requests that could have used it.
 */
export class BodyStreams {
  readonly #entries = new Map<number, Entry>();
  readonly #live = new Set<number>();
  #nextHandle = 1;
  #nextScope = 1;
  #closed = false;

  /** Streams the isolate can still name. 0 once every request that could reach one has finished. */
  get size(): number {
    return this.#entries.size;
  }

  /** Starts a scope: one request, scheduled event or Durable Object call in this isolate. */
  open(): number {
    const scope = this.#nextScope++;
    this.#live.add(scope);
    return scope;
  }

  /** Ends a scope, releasing the streams no live scope owns any more. */
  close(scope: number): void {
    if (!this.#live.delete(scope)) return;
    for (const [handle, entry] of this.#entries) {
      entry.owners.delete(scope);
      if (entry.owners.size === 0) this.#drop(handle, entry);
    }
  }

  /** The scopes in flight now: the possible owners of what a host call started now returns. */
  live(): number[] {
    return [...this.#live];
  }

  /**
   * Hands `stream` to the isolate and returns its handle. With no live owner (a subrequest that
   * outlived every request that could have asked for it) the stream is released at once and
   * the handle names nothing.
   */
  register(stream: ReadableStream<Uint8Array>, owners: readonly number[], borrowed = false): number {
    const handle = this.#nextHandle++;
    const live = owners.filter((scope) => this.#live.has(scope));
    const entry: Entry = { stream, reader: null, rest: null, reading: false, owners: new Set(live), borrowed };
    if (this.#closed || live.length === 0) {
      this.#drop(handle, entry);
      return handle;
    }
    if (this.#entries.size >= BODY_STREAMS_PER_ISOLATE_MAX) {
      this.#drop(handle, entry);
      throw new RangeError(`${this.#entries.size} body streams are open in this isolate; the limit is ${BODY_STREAMS_PER_ISOLATE_MAX}. Read, pass on or cancel the bodies you do not need.`);
    }
    this.#entries.set(handle, entry);
    return handle;
  }

  /** Removes an untouched stream from the table for the host to pipe on. */
  take(handle: unknown): ReadableStream<Uint8Array> {
    const [h, entry] = this.#entry(handle);
    if (entry.reader !== null) throw new BodyStreamError(`body stream ${h} has been read from and cannot be passed on`);
    this.#entries.delete(h);
    return entry.stream;
  }

  /** The next chunk (at most BODY_CHUNK_BYTES_MAX bytes) as a copied ArrayBuffer; null at the end. */
  async read(handle: unknown): Promise<ArrayBuffer | null> {
    const [h, entry] = this.#entry(handle);
    if (entry.reading) throw new BodyStreamError(`body stream ${h} already has a read in progress`);
    if (entry.rest !== null) return piece(entry);
    entry.reading = true;
    try {
      entry.reader ??= entry.stream.getReader();
      for (;;) {
        const { done, value } = await entry.reader.read();
        if (this.#entries.get(h) !== entry) throw released(h);
        if (done) {
          this.#entries.delete(h);
          entry.reader.releaseLock();
          return null;
        }
        const bytes = asBytes(value);
        if (bytes === null) throw new BodyStreamError(`body stream ${h} produced a chunk that is not bytes`);
        if (bytes.byteLength === 0) continue;
        entry.rest = bytes;
        return piece(entry);
      }
    } catch (e) {
      if (this.#entries.get(h) !== entry) throw e instanceof BodyStreamError ? e : released(h);
      this.#drop(h, entry);
      if (e instanceof BodyStreamError) throw e;
      throw new BodyStreamError(`the body stream failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      entry.reading = false;
    }
  }

  /** `tee()` on the host: the untouched stream is replaced by two handles with the same owners. */
  tee(handle: unknown): [number, number] {
    const [h, entry] = this.#entry(handle);
    if (entry.reader !== null) throw new BodyStreamError(`body stream ${h} has been read from and cannot be teed`);
    if (this.#entries.size + 1 > BODY_STREAMS_PER_ISOLATE_MAX) throw new RangeError(`tee would open more than ${BODY_STREAMS_PER_ISOLATE_MAX} body streams in this isolate`);
    this.#entries.delete(h);
    const owners = [...entry.owners];
    const [a, b] = entry.stream.tee();
    return [this.register(a, owners, entry.borrowed), this.register(b, owners, entry.borrowed)];
  }

  /** The isolate no longer needs the stream (cancelled, or garbage-collected). Unknown handles are ignored. */
  release(handle: unknown): void {
    if (typeof handle !== "number") return;
    const entry = this.#entries.get(handle);
    if (entry !== undefined) this.#drop(handle, entry);
  }

  /** The isolate is gone: every stream is released and nothing more is accepted. */
  releaseAll(): void {
    this.#closed = true;
    this.#live.clear();
    for (const [handle, entry] of this.#entries) this.#drop(handle, entry);
  }

  #entry(handle: unknown): [number, Entry] {
    if (typeof handle !== "number" || !Number.isSafeInteger(handle) || handle < 1 || handle >= this.#nextHandle) {
      const shown = typeof handle === "number" || typeof handle === "string" ? JSON.stringify(handle) : `a value of type ${typeof handle}`;
      throw new BodyStreamError(`${shown} is not a body stream handle of this isolate`);
    }
    const entry = this.#entries.get(handle);
    if (entry === undefined) throw released(handle);
    return [handle, entry];
  }

  /**
   * Out of the table. A stream the host obtained for the isolate (a subrequest's response) is
   * cancelled, which frees its connection; a borrowed one (the caller's request body) is only
   * let go: cancelling an incoming request's body would break the connection its answer uses.
   */
  #drop(handle: number, entry: Entry): void {
    this.#entries.delete(handle);
    entry.rest = null;
    if (entry.borrowed) {
      try {
        entry.reader?.releaseLock();
      } catch {
        // Already released.
      }
      return;
    }
    (entry.reader === null ? entry.stream.cancel() : entry.reader.cancel()).catch(() => {});
  }
}

function released(handle: number): BodyStreamError {
  return new BodyStreamError(`body stream ${handle} is no longer available: it was already passed on, read to the end or cancelled, or the request it belonged to has finished`);
}

/** Up to BODY_CHUNK_BYTES_MAX bytes of `entry.rest`, as a fresh ArrayBuffer of exactly those bytes. */
function piece(entry: Entry): ArrayBuffer {
  const rest = entry.rest!;
  const n = Math.min(rest.byteLength, BODY_CHUNK_BYTES_MAX);
  entry.rest = n < rest.byteLength ? rest.subarray(n) : null;
  // A fresh copy of the view, never `rest.buffer`: a host chunk is often a view into a larger
  // buffer (Node's Buffer pool holds other requests' bytes), and only the view's own bytes may cross.
  return new Uint8Array(rest.subarray(0, n)).buffer;
}

function asBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return null;
}

/** Microtask turns a read may take and still count as "already in memory" (undici's own bodies take 2). */
const IN_MEMORY_TURNS = 4;

const NOT_YET = Symbol("not yet");

/** `promise`'s value if it settles within a few microtask turns, NOT_YET otherwise. Never waits for I/O. */
async function ifSettledNow<T>(promise: Promise<T>): Promise<T | typeof NOT_YET> {
  const box: { settled: boolean; ok: boolean; value?: T; error?: unknown } = { settled: false, ok: false };
  promise.then(
    (value) => Object.assign(box, { settled: true, ok: true, value }),
    (error: unknown) => Object.assign(box, { settled: true, ok: false, error }),
  );
  for (let turn = 0; turn < IN_MEMORY_TURNS && !box.settled; turn++) await null;
  if (!box.settled) return NOT_YET;
  if (!box.ok) throw box.error;
  return box.value as T;
}

/**
 * A body about to cross into the isolate: its bytes, if the whole body is already in memory
 * (its reads settle within a few microtasks) and at most BODY_INLINE_BYTES_MAX long, so that
 * reading it in the isolate needs no host round trip; otherwise a stream with the same bytes
 * (what was read here, then the rest), which stays on the host. Only microtasks run meanwhile,
 * never I/O: a body still arriving is never waited for.
 */
export async function inlineIfComplete(stream: ReadableStream<Uint8Array>): Promise<ArrayBuffer | ReadableStream<Uint8Array>> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  try {
    while (total <= BODY_INLINE_BYTES_MAX) {
      const read = reader.read();
      const result = await ifSettledNow(read);
      if (result === NOT_YET) {
        pending = read;
        break;
      }
      if (result.done) {
        reader.releaseLock();
        return concatBytes(chunks, total).buffer as ArrayBuffer;
      }
      const bytes = asBytes(result.value);
      if (bytes === null) {
        // Not bytes: left for the reader to reject, in order.
        pending = Promise.resolve(result);
        break;
      }
      chunks.push(bytes);
      total += bytes.byteLength;
    }
  } catch (e) {
    pending = Promise.reject(e);
    pending.catch(() => {}); // rejected in its turn, after the chunks read before the failure
  }
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (next < chunks.length) {
        controller.enqueue(chunks[next]!);
        chunks[next++] = EMPTY;
        return;
      }
      const read = pending ?? reader.read();
      pending = null;
      const { done, value } = await read;
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

const EMPTY = new Uint8Array(0);
