// In-isolate fragment: ReadableStream as the WHATWG Streams standard defines it (default
// controller and reader, tee, async iteration, ReadableStream.from), and the host-backed
// streams behind `request.body` and `response.body`. The rest of the standard (byte streams and
// BYOB readers, WritableStream, TransformStream, pipeTo/pipeThrough, the encoding and compression
// streams) is the lazy module runtime/lazy/web-streams.js, which works on the same internal state.
// Function names follow the standard's abstract operations, so each can be checked against it.
//
// A body the host hands over is a stream holding a host handle (see body-streams.ts). While
// nothing has read from it (not disturbed) and nobody holds a reader (not locked), the handle
// goes back over the wire unchanged when the body is passed on (`fetch(request)`, `return
// response`, `new Response(response.body, response)`), and the host pipes the original stream:
// its bytes never enter the isolate. Reading it pulls one chunk per host call, only on demand
// (high-water mark 0), so a body nobody reads is never copied in.

const BODY_USED = "Body has already been used. It can only be used once. Use tee() first if you need to read it twice.";
const STREAM_DISTURBED = "This ReadableStream is disturbed (has already been read from), and cannot be used as a body.";
const STREAM_LOCKED = "This ReadableStream is currently locked to a reader.";
const READER_RELEASED = "This ReadableStream reader has been released.";
const NOT_BYTES = "This ReadableStream did not return bytes.";
const INTERNAL = Symbol("internal");

// The host releases a handle's stream when the requests that could use it end; a stream object
// collected before that releases it sooner (the host's table is bounded).
const releasedBodies = new FinalizationRegistry((handle) => { callHost("body.release", [handle]).catch(() => {}); });

// Set in the classes' static blocks: brand checks and access to internal state.
let isStream;
let streamInternals;
let isDefaultReader;
let readerInternals;

const resolved = (value) => Promise.resolve(value);
/** Runs `fn` in a microtask (the runtime's own, which a worker's `queueMicrotask` cannot replace). */
const microtask = (fn) => { resolved(undefined).then(fn); };
const rejected = (e) => Promise.reject(e);
const noop = () => {};

function handled(promise) {
  promise.catch(noop);
  return promise;
}

/** Calls `fn` on `thisArg` and turns a throw into a rejected promise (the standard's "promise call"). */
function promiseCall(fn, thisArg, ...args) {
  try {
    // Reflect.apply: an underlying source's own `call`/`apply` properties are never consulted.
    return resolved(Reflect.apply(fn, thisArg, args));
  } catch (e) {
    return rejected(e);
  }
}

/** A promise with its resolve and reject, and whether either has been called yet. */
function deferred() {
  const d = { settled: false };
  d.promise = new Promise((resolve, reject) => {
    d.resolve = (value) => {
      d.settled = true;
      resolve(value);
    };
    d.reject = (e) => {
      d.settled = true;
      reject(e);
    };
  });
  return d;
}

function newStreamState() {
  return {
    object: null, state: "readable", reader: null, storedError: undefined, disturbed: false, controller: null,
    handle: null, // the host stream's handle while the host still holds it
  };
}

// --- queue-with-sizes (Streams standard §8.1) -------------------------------------------------

function isNonNegativeNumber(v) {
  return typeof v === "number" && !Number.isNaN(v) && v >= 0;
}
function enqueueValueWithSize(c, value, size) {
  if (!isNonNegativeNumber(size) || size === Infinity) throw new RangeError("The return value of a queuing strategy's size function must be a finite, non-NaN, non-negative number");
  c.queue.push({ value, size });
  c.queueTotalSize += size;
}
function dequeueValue(c) {
  const { value, size } = c.queue.shift();
  c.queueTotalSize -= size;
  if (c.queueTotalSize < 0) c.queueTotalSize = 0; // rounding (§8.1 DequeueValue step 6)
  return value;
}
function resetQueue(c) {
  c.queue = [];
  c.queueTotalSize = 0;
}

/** The QueuingStrategy dictionary (WebIDL: members read in lexicographic order, then converted). */
function queuingStrategy(strategy) {
  if (strategy === undefined || strategy === null) return { highWaterMark: undefined, size: undefined };
  if (typeof strategy !== "object" && typeof strategy !== "function") throw new TypeError("The queuing strategy must be an object");
  const highWaterMark = strategy.highWaterMark;
  const hwm = highWaterMark === undefined ? undefined : +highWaterMark;
  const size = strategy.size;
  if (size !== undefined && typeof size !== "function") throw new TypeError("The queuing strategy's size must be a function");
  return { highWaterMark: hwm, size };
}
function extractHighWaterMark(strategy, defaultHWM) {
  if (strategy.highWaterMark === undefined) return defaultHWM;
  if (Number.isNaN(strategy.highWaterMark) || strategy.highWaterMark < 0) throw new RangeError("Invalid highWaterMark");
  return strategy.highWaterMark;
}
function extractSizeAlgorithm(strategy) {
  const size = strategy.size;
  if (size === undefined) return () => 1;
  return (chunk) => size(chunk);
}

// --- ReadableStream abstract operations (§4.9) -----------------------------------------------

function readableStreamAddReadRequest(S, readRequest) {
  S.reader.readRequests.push(readRequest);
}

function readableStreamCancel(S, reason) {
  S.disturbed = true;
  if (S.state === "closed") return resolved(undefined);
  if (S.state === "errored") return rejected(S.storedError);
  readableStreamClose(S);
  const R = S.reader;
  if (R !== null && R.kind === "byob") {
    const requests = R.readIntoRequests;
    R.readIntoRequests = [];
    for (const request of requests) request.close(undefined);
  }
  return S.controller.cancelSteps(reason).then(noop);
}

function readableStreamClose(S) {
  S.state = "closed";
  const R = S.reader;
  if (R === null) return;
  R.closed.resolve(undefined);
  if (R.kind === "default") {
    const requests = R.readRequests;
    R.readRequests = [];
    for (const request of requests) request.close();
  }
}

function readableStreamError(S, e) {
  S.state = "errored";
  S.storedError = e;
  const R = S.reader;
  if (R === null) return;
  R.closed.reject(e);
  handled(R.closed.promise);
  const requests = R.kind === "default" ? R.readRequests : R.readIntoRequests;
  if (R.kind === "default") R.readRequests = [];
  else R.readIntoRequests = [];
  for (const request of requests) request.error(e);
}

function readableStreamFulfillReadRequest(S, chunk, done) {
  const request = S.reader.readRequests.shift();
  if (done) request.close();
  else request.chunk(chunk);
}

function readableStreamGetNumReadRequests(S) {
  return S.reader.readRequests.length;
}

function readableStreamHasDefaultReader(S) {
  return S.reader !== null && S.reader.kind === "default";
}

function isReadableStreamLocked(S) {
  return S.reader !== null;
}

// --- readers (§4.4, §4.5) ------------------------------------------------------------------

function readerGenericInitialize(R, S) {
  R.stream = S;
  S.reader = R;
  R.closed = deferred();
  if (S.state === "closed") R.closed.resolve(undefined);
  else if (S.state === "errored") {
    R.closed.reject(S.storedError);
    handled(R.closed.promise);
  }
}

function readerGenericCancel(R, reason) {
  return readableStreamCancel(R.stream, reason);
}

function readerGenericRelease(R) {
  const S = R.stream;
  const e = new TypeError(READER_RELEASED);
  if (S.state === "readable") R.closed.reject(e);
  else {
    R.closed = deferred();
    R.closed.reject(e);
  }
  handled(R.closed.promise);
  S.controller.releaseSteps();
  S.reader = null;
  R.stream = null;
}

function newDefaultReaderState() {
  return { kind: "default", stream: null, closed: null, readRequests: [] };
}

function acquireDefaultReader(S) {
  if (isReadableStreamLocked(S)) throw new TypeError(STREAM_LOCKED);
  const R = newDefaultReaderState();
  readerGenericInitialize(R, S);
  return R;
}

function readableStreamDefaultReaderRead(R, readRequest) {
  const S = R.stream;
  S.disturbed = true;
  if (S.state === "closed") readRequest.close();
  else if (S.state === "errored") readRequest.error(S.storedError);
  else S.controller.pullSteps(readRequest);
}

function readableStreamDefaultReaderRelease(R) {
  readerGenericRelease(R);
  const e = new TypeError(READER_RELEASED);
  const requests = R.readRequests;
  R.readRequests = [];
  for (const request of requests) request.error(e);
}

/** A read request whose result is a promise of `{ value, done }`. */
function promiseReadRequest() {
  const d = deferred();
  return {
    promise: d.promise,
    chunk: (value) => d.resolve({ value, done: false }),
    close: () => d.resolve({ value: undefined, done: true }),
    error: (e) => d.reject(e),
  };
}

/** Reads one chunk through reader state `R`: a promise of `{ value, done }`. */
function readerRead(R) {
  if (R.stream === null) return rejected(new TypeError(READER_RELEASED));
  const request = promiseReadRequest();
  readableStreamDefaultReaderRead(R, request);
  return request.promise;
}

// --- ReadableStreamDefaultController (§4.7, §4.9.4) -------------------------------------------

function defaultControllerShouldCallPull(C) {
  const S = C.stream;
  if (!defaultControllerCanCloseOrEnqueue(C) || !C.started) return false;
  if (isReadableStreamLocked(S) && readableStreamHasDefaultReader(S) && readableStreamGetNumReadRequests(S) > 0) return true;
  return defaultControllerGetDesiredSize(C) > 0;
}

/**
 * ReadableStreamDefaultControllerCallPullIfNeeded and its byte-stream twin
 * ReadableByteStreamControllerCallPullIfNeeded (§4.9.5, in lazy/web-streams.js) are one loop
 * with each controller's own ShouldCallPull and Error steps.
 */
function controllerCallPullIfNeeded(C, shouldCallPull, controllerError) {
  if (!shouldCallPull(C)) return;
  if (C.pulling) {
    C.pullAgain = true;
    return;
  }
  C.pulling = true;
  C.pullAlgorithm().then(() => {
    C.pulling = false;
    if (C.pullAgain) {
      C.pullAgain = false;
      controllerCallPullIfNeeded(C, shouldCallPull, controllerError);
    }
  }, (e) => controllerError(C, e));
}

function defaultControllerCallPullIfNeeded(C) {
  controllerCallPullIfNeeded(C, defaultControllerShouldCallPull, defaultControllerError);
}

function defaultControllerClearAlgorithms(C) {
  C.pullAlgorithm = () => resolved(undefined);
  C.cancelAlgorithm = () => resolved(undefined);
  C.strategySizeAlgorithm = () => 1;
}

function defaultControllerClose(C) {
  if (!defaultControllerCanCloseOrEnqueue(C)) return;
  C.closeRequested = true;
  if (C.queue.length === 0) {
    defaultControllerClearAlgorithms(C);
    readableStreamClose(C.stream);
  }
}

function defaultControllerEnqueue(C, chunk) {
  if (!defaultControllerCanCloseOrEnqueue(C)) return;
  const S = C.stream;
  if (isReadableStreamLocked(S) && readableStreamHasDefaultReader(S) && readableStreamGetNumReadRequests(S) > 0) {
    readableStreamFulfillReadRequest(S, chunk, false);
  } else {
    let size;
    try {
      size = C.strategySizeAlgorithm(chunk);
      enqueueValueWithSize(C, chunk, size);
    } catch (e) {
      defaultControllerError(C, e);
      throw e;
    }
  }
  defaultControllerCallPullIfNeeded(C);
}

function defaultControllerError(C, e) {
  const S = C.stream;
  if (S.state !== "readable") return;
  resetQueue(C);
  defaultControllerClearAlgorithms(C);
  readableStreamError(S, e);
}

function defaultControllerGetDesiredSize(C) {
  const state = C.stream.state;
  if (state === "errored") return null;
  if (state === "closed") return 0;
  return C.strategyHWM - C.queueTotalSize;
}

function defaultControllerHasBackpressure(C) {
  return !defaultControllerShouldCallPull(C);
}

function defaultControllerCanCloseOrEnqueue(C) {
  return !C.closeRequested && C.stream.state === "readable";
}

function setUpDefaultController(S, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm) {
  const C = {
    kind: "default", stream: S, object: null, queue: [], queueTotalSize: 0,
    started: false, closeRequested: false, pullAgain: false, pulling: false,
    strategySizeAlgorithm: sizeAlgorithm, strategyHWM: highWaterMark, pullAlgorithm, cancelAlgorithm,
    cancelSteps(reason) {
      resetQueue(C);
      const result = C.cancelAlgorithm(reason);
      defaultControllerClearAlgorithms(C);
      return result;
    },
    pullSteps(readRequest) {
      if (C.queue.length > 0) {
        const chunk = dequeueValue(C);
        if (C.closeRequested && C.queue.length === 0) {
          defaultControllerClearAlgorithms(C);
          readableStreamClose(S);
        } else {
          defaultControllerCallPullIfNeeded(C);
        }
        readRequest.chunk(chunk);
      } else {
        readableStreamAddReadRequest(S, readRequest);
        defaultControllerCallPullIfNeeded(C);
      }
    },
    releaseSteps: noop,
  };
  C.object = new ReadableStreamDefaultController(INTERNAL, C);
  S.controller = C;
  const startResult = startAlgorithm(C.object);
  resolved(startResult).then(() => {
    C.started = true;
    defaultControllerCallPullIfNeeded(C);
  }, (e) => defaultControllerError(C, e));
  return C;
}

function setUpDefaultControllerFromSource(S, source, dict, highWaterMark, sizeAlgorithm) {
  const { start, pull, cancel } = dict;
  const startAlgorithm = start === undefined ? () => undefined : (c) => Reflect.apply(start, source, [c]);
  const pullAlgorithm = pull === undefined ? () => resolved(undefined) : () => promiseCall(pull, source, S.controller.object);
  const cancelAlgorithm = cancel === undefined ? () => resolved(undefined) : (reason) => promiseCall(cancel, source, reason);
  setUpDefaultController(S, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm);
}

/** CreateReadableStream (§4.9.1): a default stream from algorithms, as the standard's other parts make them. */
function createReadableStream(startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 1, sizeAlgorithm = () => 1) {
  const S = newStreamState();
  const stream = new ReadableStream(INTERNAL, S);
  setUpDefaultController(S, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
}

/** A stream made by the runtime itself: pulled on demand unless `hwm` says otherwise. */
function internalStream(pull, cancel, hwm = 0) {
  const S = newStreamState();
  const stream = new ReadableStream(INTERNAL, S);
  const C = setUpDefaultController(S, noop, () => promiseCall(pull, undefined, C.object), (reason) => promiseCall(cancel, undefined, reason), hwm, () => 1);
  // Started at once (no start step to wait for), so the first read pulls in the same turn.
  C.started = true;
  return stream;
}

// --- tee (§4.9.1 ReadableStreamDefaultTee) ---------------------------------------------------

function cloneChunk(value) {
  if (ArrayBuffer.isView(value)) return new value.constructor(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (value instanceof ArrayBuffer) return value.slice(0);
  return structuredClone(value);
}

function readableStreamDefaultTee(S, cloneForBranch2) {
  const R = acquireDefaultReader(S);
  let reading = false;
  let readAgain = false;
  let canceled1 = false;
  let canceled2 = false;
  let reason1;
  let reason2;
  let branch1;
  let branch2;
  const cancelPromise = deferred();
  const pullAlgorithm = () => {
    if (reading) {
      readAgain = true;
      return resolved(undefined);
    }
    reading = true;
    readableStreamDefaultReaderRead(R, {
      chunk: (chunk) => {
        microtask(() => {
          readAgain = false;
          const chunk1 = chunk;
          let chunk2 = chunk;
          if (!canceled2 && cloneForBranch2) {
            try {
              chunk2 = cloneChunk(chunk);
            } catch (e) {
              defaultControllerError(branch1.controller, e);
              defaultControllerError(branch2.controller, e);
              cancelPromise.resolve(readableStreamCancel(S, e));
              return;
            }
          }
          if (!canceled1) defaultControllerEnqueue(branch1.controller, chunk1);
          if (!canceled2) defaultControllerEnqueue(branch2.controller, chunk2);
          reading = false;
          if (readAgain) pullAlgorithm();
        });
      },
      close: () => {
        reading = false;
        if (!canceled1) defaultControllerClose(branch1.controller);
        if (!canceled2) defaultControllerClose(branch2.controller);
        if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
      },
      error: () => { reading = false; },
    });
    return resolved(undefined);
  };
  const cancel1 = (reason) => {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelPromise.resolve(readableStreamCancel(S, [reason1, reason2]));
    return cancelPromise.promise;
  };
  const cancel2 = (reason) => {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelPromise.resolve(readableStreamCancel(S, [reason1, reason2]));
    return cancelPromise.promise;
  };
  const stream1 = createReadableStream(noop, pullAlgorithm, cancel1);
  const stream2 = createReadableStream(noop, pullAlgorithm, cancel2);
  branch1 = streamInternals(stream1);
  branch2 = streamInternals(stream2);
  R.closed.promise.catch((e) => {
    defaultControllerError(branch1.controller, e);
    defaultControllerError(branch2.controller, e);
    if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
  });
  return [stream1, stream2];
}

/**
 * ReadableStreamTee. An untouched host stream is teed on the host, so both branches can still
 * be passed on without entering the isolate; a byte stream is teed by the byte stream module;
 * any other stream here. `cloneForBranch2` is true for a body's `clone()` (fetch standard).
 */
function teeStream(stream, cloneForBranch2) {
  const S = streamInternals(stream);
  if (isReadableStreamLocked(S)) throw new TypeError(STREAM_LOCKED);
  if (S.handle !== null && !S.disturbed && !S.controller.pulling) {
    const [a, b] = callHostSync("body.tee", [S.handle]);
    S.handle = null;
    releasedBodies.unregister(S);
    acquireDefaultReader(S);
    return [hostStream(a), hostStream(b)];
  }
  if (S.controller.kind === "byte") return lazyModule("web-streams").byteStreamTee(S);
  return readableStreamDefaultTee(S, cloneForBranch2);
}

// --- host-backed and byte streams ------------------------------------------------------------

/** The stream behind a body the host holds: each read is one `body.read` host call. */
function hostStream(handle) {
  let S = null;
  const finished = () => {
    if (S.handle === null) return;
    S.handle = null;
    releasedBodies.unregister(S);
  };
  const stream = internalStream((controller) => callHost("body.read", [S.handle]).then((buffer) => {
    if (buffer === null) {
      finished(); // read to the end: the host has dropped it
      defaultControllerClose(S.controller);
    } else {
      defaultControllerEnqueue(S.controller, new Uint8Array(buffer));
    }
  }, (e) => {
    finished(); // a failed stream is dropped by the host
    throw e;
  }), () => {
    const h = S.handle;
    finished();
    return h === null ? undefined : callHost("body.release", [h]).catch(noop);
  });
  S = streamInternals(stream);
  S.handle = handle;
  releasedBodies.register(stream, handle, S);
  return stream;
}

/**
 * The host handle of an untouched host stream, which then counts as used and locked here: its
 * bytes go to the host directly. Null for any other stream.
 */
function takeHostHandle(stream) {
  const S = streamInternals(stream);
  if (S.handle === null || S.disturbed || S.reader !== null || S.controller.pulling) return null;
  const handle = S.handle;
  S.handle = null;
  releasedBodies.unregister(S);
  acquireDefaultReader(S);
  S.disturbed = true;
  readableStreamClose(S);
  return handle;
}

/** One chunk of bytes made in the isolate (a body's `.body`, asked for late). */
function bytesStream(bytes, used) {
  let pending = bytes;
  const stream = internalStream((controller) => {
    const chunk = pending;
    pending = null;
    if (chunk !== null && chunk.byteLength > 0) controller.enqueue(chunk);
    controller.close();
  }, () => { pending = null; });
  if (used) {
    // Read or sent on already: disturbed, closed and locked, as the reader that used it left it.
    const S = streamInternals(stream);
    S.disturbed = true;
    acquireDefaultReader(S);
    defaultControllerClose(S.controller);
  }
  return stream;
}

function chunkBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return null;
}

function concatBytes(chunks, total) {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Reads a whole stream (a body being consumed); leaves it disturbed and locked, as the standard does. */
async function readAllBytes(stream) {
  const S = streamInternals(stream);
  if (S.disturbed) throw new TypeError(BODY_USED);
  if (isReadableStreamLocked(S)) throw new TypeError(STREAM_LOCKED);
  const R = acquireDefaultReader(S);
  const chunks = [];
  let total = 0;
  for (;;) {
    const { value, done } = await readerRead(R);
    if (done) break;
    const bytes = chunkBytes(value);
    if (bytes === null) {
      readableStreamCancel(S, new TypeError(NOT_BYTES)).catch(noop);
      throw new TypeError(NOT_BYTES);
    }
    chunks.push(bytes);
    total += bytes.byteLength;
  }
  return concatBytes(chunks, total);
}

// --- the public classes ----------------------------------------------------------------------

class ReadableStreamDefaultController {
  #c;
  constructor(key, C) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#c = C;
  }
  static #check(o) {
    if (o === null || typeof o !== "object" || !(#c in o)) throw new TypeError("Illegal invocation");
    return o.#c;
  }
  get desiredSize() { return defaultControllerGetDesiredSize(ReadableStreamDefaultController.#check(this)); }
  close() {
    const C = ReadableStreamDefaultController.#check(this);
    if (!defaultControllerCanCloseOrEnqueue(C)) throw new TypeError("The stream is closed or closing and cannot be closed again.");
    defaultControllerClose(C);
  }
  enqueue(chunk = undefined) {
    const C = ReadableStreamDefaultController.#check(this);
    if (!defaultControllerCanCloseOrEnqueue(C)) throw new TypeError("The stream is closed or closing and cannot be enqueued to.");
    defaultControllerEnqueue(C, chunk);
  }
  error(e = undefined) { defaultControllerError(ReadableStreamDefaultController.#check(this), e); }
}

/**
 * The async iterator of §4.2.5 (ReadableStream's `values()`), over a default reader. Its `next`
 * and `return` live on one shared prototype, as WebIDL's async iterator prototype objects do.
 */
class ReadableStreamAsyncIterator {
  #r;
  #preventCancel;
  #finished = false;
  #ongoing = null;
  constructor(S, preventCancel) {
    this.#r = acquireDefaultReader(S);
    this.#preventCancel = preventCancel;
  }
  static #check(o) {
    if (o === null || typeof o !== "object" || !(#r in o)) throw new TypeError("Illegal invocation");
  }
  #next() {
    const R = this.#r;
    if (this.#finished) return resolved({ value: undefined, done: true });
    if (R.stream === null) return rejected(new TypeError("The iterator's reader has been released."));
    const request = promiseReadRequest();
    readableStreamDefaultReaderRead(R, request);
    return request.promise.then((result) => {
      if (result.done) {
        this.#finished = true;
        readableStreamDefaultReaderRelease(R);
      }
      return result;
    }, (e) => {
      this.#finished = true;
      if (R.stream !== null) readableStreamDefaultReaderRelease(R);
      throw e;
    });
  }
  #return(value) {
    const R = this.#r;
    if (this.#finished) return resolved({ value, done: true });
    this.#finished = true;
    if (R.stream === null) return rejected(new TypeError("The iterator's reader has been released."));
    if (!this.#preventCancel) {
      const result = readerGenericCancel(R, value);
      readableStreamDefaultReaderRelease(R);
      return result.then(() => ({ value, done: true }));
    }
    readableStreamDefaultReaderRelease(R);
    return resolved({ value, done: true });
  }
  next() {
    try {
      ReadableStreamAsyncIterator.#check(this);
    } catch (e) {
      return rejected(e);
    }
    // WebIDL chains each call after the previous one settles.
    const run = () => this.#next();
    this.#ongoing = this.#ongoing === null ? run() : this.#ongoing.then(run, run);
    return this.#ongoing;
  }
  return(value = undefined) {
    try {
      ReadableStreamAsyncIterator.#check(this);
    } catch (e) {
      return rejected(e);
    }
    const run = () => this.#return(value);
    const result = this.#ongoing === null ? run() : this.#ongoing.then(run, run);
    this.#ongoing = result;
    return result;
  }
}
// %AsyncIteratorPrototype%: the prototype of async generators' prototype.
Object.setPrototypeOf(ReadableStreamAsyncIterator.prototype, Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype));
// The iterator prototype has no `constructor` (WebIDL); `new` is never needed from outside.
delete ReadableStreamAsyncIterator.prototype.constructor;

/** ReadableStreamFromIterable (§4.9.1). */
function readableStreamFromIterable(asyncIterable) {
  const method = asyncIterable[Symbol.asyncIterator];
  let iterator;
  let nextMethod;
  if (method !== undefined && method !== null) {
    iterator = method.call(asyncIterable);
  } else {
    const sync = asyncIterable[Symbol.iterator];
    if (typeof sync !== "function") throw new TypeError("ReadableStream.from needs an iterable or async iterable");
    const syncIterator = sync.call(asyncIterable);
    // CreateAsyncFromSyncIterator: each value is awaited.
    const syncNext = syncIterator.next;
    iterator = {
      next: () => { const r = syncNext.call(syncIterator); return resolved(r.value).then((value) => ({ value, done: Boolean(r.done) })); },
      return: typeof syncIterator.return === "function" ? (v) => resolved(syncIterator.return(v)) : undefined,
    };
  }
  if (iterator === null || typeof iterator !== "object") throw new TypeError("The iterator method must return an object");
  nextMethod = iterator.next;
  let stream;
  const pull = () => {
    let result;
    try {
      result = nextMethod.call(iterator);
    } catch (e) {
      return rejected(e);
    }
    return resolved(result).then((r) => {
      if (r === null || typeof r !== "object") throw new TypeError("The iterator's next() must return an object");
      if (r.done) defaultControllerClose(streamInternals(stream).controller);
      else defaultControllerEnqueue(streamInternals(stream).controller, r.value);
    });
  };
  const cancel = (reason) => {
    let returnMethod;
    try {
      returnMethod = iterator.return;
    } catch (e) {
      return rejected(e);
    }
    if (returnMethod === undefined || returnMethod === null) return resolved(undefined);
    let result;
    try {
      result = returnMethod.call(iterator, reason);
    } catch (e) {
      return rejected(e);
    }
    return resolved(result).then((r) => {
      if (r === null || typeof r !== "object") throw new TypeError("The iterator's return() must return an object");
    });
  };
  stream = createReadableStream(noop, pull, cancel, 0);
  return stream;
}

class ReadableStream {
  #s;
  static {
    isStream = (value) => value !== null && typeof value === "object" && #s in value;
    streamInternals = (stream) => stream.#s;
  }

  constructor(underlyingSource = undefined, strategy = undefined) {
    if (underlyingSource === INTERNAL) {
      this.#s = strategy;
      strategy.object = this;
      return;
    }
    // WebIDL `optional object`: undefined means none; null is not an object.
    if (underlyingSource !== undefined && (underlyingSource === null || (typeof underlyingSource !== "object" && typeof underlyingSource !== "function"))) {
      throw new TypeError("The underlying source must be an object");
    }
    const source = underlyingSource === undefined ? {} : underlyingSource;
    const strategyDict = queuingStrategy(strategy);
    // WebIDL dictionary conversion reads the members in lexicographic order.
    const { autoAllocateChunkSize, cancel, pull, start, type } = source;
    for (const [name, fn] of [["cancel", cancel], ["pull", pull], ["start", start]]) {
      if (fn !== undefined && typeof fn !== "function") throw new TypeError(`The underlying source's ${name} must be a function`);
    }
    const S = newStreamState();
    S.object = this;
    this.#s = S;
    if (type !== undefined && String(type) === "bytes") {
      if (strategyDict.size !== undefined) throw new RangeError("A byte stream's queuing strategy cannot have a size function");
      const hwm = extractHighWaterMark(strategyDict, 0);
      lazyModule("web-streams").setUpByteControllerFromSource(S, source, { autoAllocateChunkSize, cancel, pull, start }, hwm);
      return;
    }
    if (type !== undefined) throw new TypeError(`Invalid ReadableStream type: ${String(type)}`);
    const sizeAlgorithm = extractSizeAlgorithm(strategyDict);
    const hwm = extractHighWaterMark(strategyDict, 1);
    setUpDefaultControllerFromSource(S, source, { cancel, pull, start }, hwm, sizeAlgorithm);
  }

  static from(asyncIterable) { return readableStreamFromIterable(asyncIterable); }

  static #check(o) {
    if (!isStream(o)) throw new TypeError("Illegal invocation");
    return o.#s;
  }

  get locked() { return isReadableStreamLocked(ReadableStream.#check(this)); }

  cancel(reason = undefined) {
    if (!isStream(this)) return rejected(new TypeError("Illegal invocation"));
    if (isReadableStreamLocked(this.#s)) return rejected(new TypeError(STREAM_LOCKED));
    return readableStreamCancel(this.#s, reason);
  }

  getReader(options = undefined) {
    ReadableStream.#check(this);
    if (options !== undefined && options !== null && typeof options !== "object" && typeof options !== "function") throw new TypeError("getReader: the options must be an object");
    const mode = options === undefined || options === null ? undefined : options.mode;
    if (mode === undefined) return new ReadableStreamDefaultReader(this);
    if (String(mode) === "byob") return new (lazyModule("web-streams").ReadableStreamBYOBReader)(this);
    throw new TypeError(`Invalid reader mode: ${String(mode)}`);
  }

  tee() { return teeStream(this, false); }

  pipeTo(destination, options = undefined) {
    return lazyModule("web-streams").pipeTo(this, destination, options);
  }

  pipeThrough(transform, options = undefined) {
    return lazyModule("web-streams").pipeThrough(this, transform, options);
  }

  values(options = undefined) {
    const S = ReadableStream.#check(this);
    return new ReadableStreamAsyncIterator(S, Boolean(options !== undefined && options !== null && options.preventCancel));
  }

  [Symbol.asyncIterator](options = undefined) { return this.values(options); }
}

class ReadableStreamDefaultReader {
  #r;
  static {
    isDefaultReader = (value) => value !== null && typeof value === "object" && #r in value;
    readerInternals = (reader) => reader.#r;
  }
  constructor(stream) {
    if (!isStream(stream)) throw new TypeError("ReadableStreamDefaultReader needs a ReadableStream");
    this.#r = acquireDefaultReader(streamInternals(stream));
  }
  static #check(o) {
    if (!isDefaultReader(o)) throw new TypeError("Illegal invocation");
    return o.#r;
  }
  get closed() {
    if (!isDefaultReader(this)) return rejected(new TypeError("Illegal invocation"));
    return this.#r.closed.promise;
  }
  read() {
    if (!isDefaultReader(this)) return rejected(new TypeError("Illegal invocation"));
    return readerRead(this.#r);
  }
  releaseLock() {
    const R = ReadableStreamDefaultReader.#check(this);
    if (R.stream !== null) readableStreamDefaultReaderRelease(R);
  }
  cancel(reason = undefined) {
    if (!isDefaultReader(this)) return rejected(new TypeError("Illegal invocation"));
    if (this.#r.stream === null) return rejected(new TypeError(READER_RELEASED));
    return readerGenericCancel(this.#r, reason);
  }
}

defineGlobal("ReadableStream", ReadableStream);
defineGlobal("ReadableStreamDefaultReader", ReadableStreamDefaultReader);
defineGlobal("ReadableStreamDefaultController", ReadableStreamDefaultController);
