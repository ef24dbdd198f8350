// In-isolate fragment: ReadableStream (WHATWG Streams: default controller and reader, tee,
// async iteration, ReadableStream.from) and the host-backed streams behind `request.body` and
// `response.body`.
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

// Set in ReadableStream's static block: brand check and access to a stream's internal state.
let isStream;
let streamInternals;

function newStreamState() {
  return {
    stream: null, state: "readable", storedError: undefined, disturbed: false, reader: null,
    queue: [], queueSize: 0, hwm: 1, size: () => 1,
    started: false, pulling: false, pullAgain: false, closeRequested: false,
    pullAlgorithm: () => Promise.resolve(), cancelAlgorithm: () => Promise.resolve(), controller: null,
    handle: null, // the host stream's handle while the host still holds it
  };
}

function promiseCall(fn, thisArg, arg) {
  try {
    return Promise.resolve(fn.call(thisArg, arg));
  } catch (e) {
    return Promise.reject(e);
  }
}

function handled(promise) {
  promise.catch(() => {});
  return promise;
}

// --- the stream's abstract operations (Streams standard §4.9, §4.10) -------------------------

function desiredSize(S) {
  if (S.state === "errored") return null;
  if (S.state === "closed") return 0;
  return S.hwm - S.queueSize;
}

function canCloseOrEnqueue(S) {
  return !S.closeRequested && S.state === "readable";
}

function shouldCallPull(S) {
  if (!S.started || !canCloseOrEnqueue(S)) return false;
  if (S.reader !== null && S.reader.readRequests.length > 0) return true;
  return desiredSize(S) > 0;
}

function callPullIfNeeded(S) {
  if (!shouldCallPull(S)) return;
  if (S.pulling) {
    S.pullAgain = true;
    return;
  }
  S.pulling = true;
  S.pullAlgorithm(S.controller).then(() => {
    S.pulling = false;
    if (S.pullAgain) {
      S.pullAgain = false;
      callPullIfNeeded(S);
    }
  }, (e) => controllerError(S, e));
}

function controllerEnqueue(S, chunk) {
  const R = S.reader;
  if (R !== null && R.readRequests.length > 0) {
    R.readRequests.shift().resolve({ value: chunk, done: false });
  } else {
    let size;
    try {
      size = Number(S.size(chunk));
      if (!(size >= 0) || size === Infinity) throw new RangeError("The chunk size must be a finite, non-negative number");
    } catch (e) {
      controllerError(S, e);
      throw e;
    }
    S.queue.push({ chunk, size });
    S.queueSize += size;
  }
  callPullIfNeeded(S);
}

function controllerClose(S) {
  S.closeRequested = true;
  if (S.queue.length === 0) streamClose(S);
}

function controllerError(S, e) {
  if (S.state !== "readable") return;
  S.queue = [];
  S.queueSize = 0;
  streamError(S, e);
}

function streamClose(S) {
  S.state = "closed";
  const R = S.reader;
  if (R === null) return;
  for (const request of R.readRequests) request.resolve({ value: undefined, done: true });
  R.readRequests = [];
  R.resolveClosed();
}

function streamError(S, e) {
  S.state = "errored";
  S.storedError = e;
  const R = S.reader;
  if (R === null) return;
  for (const request of R.readRequests) request.reject(e);
  R.readRequests = [];
  R.rejectClosed(e);
}

function streamCancel(S, reason) {
  S.disturbed = true;
  if (S.state === "closed") return Promise.resolve();
  if (S.state === "errored") return Promise.reject(S.storedError);
  streamClose(S);
  S.queue = [];
  S.queueSize = 0;
  return promiseCall(S.cancelAlgorithm, undefined, reason).then(() => undefined);
}

function acquireReader(S) {
  const R = { stream: S, readRequests: [], closed: null, resolveClosed: null, rejectClosed: null };
  R.closed = handled(new Promise((resolve, reject) => { R.resolveClosed = resolve; R.rejectClosed = reject; }));
  if (S.state === "closed") R.resolveClosed();
  else if (S.state === "errored") R.rejectClosed(S.storedError);
  S.reader = R;
  return R;
}

function readerRead(R) {
  const S = R.stream;
  if (S === null) return Promise.reject(new TypeError(READER_RELEASED));
  S.disturbed = true;
  if (S.state === "closed") return Promise.resolve({ value: undefined, done: true });
  if (S.state === "errored") return Promise.reject(S.storedError);
  if (S.queue.length > 0) {
    const { chunk, size } = S.queue.shift();
    S.queueSize -= size;
    if (S.closeRequested && S.queue.length === 0) streamClose(S);
    else callPullIfNeeded(S);
    return Promise.resolve({ value: chunk, done: false });
  }
  return new Promise((resolve, reject) => {
    R.readRequests.push({ resolve, reject });
    callPullIfNeeded(S);
  });
}

function readerRelease(R) {
  const S = R.stream;
  const e = new TypeError(READER_RELEASED);
  if (S.state === "readable") R.rejectClosed(e);
  else R.closed = handled(Promise.reject(e));
  for (const request of R.readRequests) request.reject(e);
  R.readRequests = [];
  S.reader = null;
  R.stream = null;
}

/** A stream made by the runtime itself: no start step, pulled on demand unless `hwm` says otherwise. */
function internalStream(pull, cancel, hwm = 0) {
  const S = newStreamState();
  S.hwm = hwm;
  S.pullAlgorithm = pull;
  S.cancelAlgorithm = cancel;
  S.controller = new ReadableStreamDefaultController(INTERNAL, S);
  S.started = true;
  return new ReadableStream(INTERNAL, S);
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
      if (canCloseOrEnqueue(S)) controllerClose(S);
    } else if (canCloseOrEnqueue(S)) {
      controllerEnqueue(S, new Uint8Array(buffer));
    }
  }, (e) => {
    finished(); // a failed stream is dropped by the host
    throw e;
  }), () => {
    const h = S.handle;
    finished();
    return h === null ? undefined : callHost("body.release", [h]).catch(() => {});
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
  if (S.handle === null || S.disturbed || S.reader !== null || S.pulling) return null;
  const handle = S.handle;
  S.handle = null;
  releasedBodies.unregister(S);
  acquireReader(S);
  S.disturbed = true;
  streamClose(S);
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
    acquireReader(S);
    controllerClose(S);
  }
  return stream;
}

function chunkBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return null;
}

/** Reads a whole stream (a body being consumed); leaves it disturbed and locked, as the standard does. */
async function readAllBytes(stream) {
  const S = streamInternals(stream);
  if (S.disturbed) throw new TypeError(BODY_USED);
  if (S.reader !== null) throw new TypeError(STREAM_LOCKED);
  const R = acquireReader(S);
  const chunks = [];
  let total = 0;
  for (;;) {
    const { value, done } = await readerRead(R);
    if (done) break;
    const bytes = chunkBytes(value);
    if (bytes === null) {
      streamCancel(S, new TypeError(NOT_BYTES)).catch(() => {});
      throw new TypeError(NOT_BYTES);
    }
    chunks.push(bytes);
    total += bytes.byteLength;
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * ReadableStreamTee. An untouched host stream is teed on the host, so both branches can still
 * be passed on without entering the isolate; any other stream is teed here, and the second
 * branch gets its own copy of each byte chunk, as fetch's `clone()` requires.
 */
function teeStream(stream) {
  const S = streamInternals(stream);
  if (S.reader !== null) throw new TypeError(STREAM_LOCKED);
  if (S.handle !== null && !S.disturbed && !S.pulling) {
    const [a, b] = callHostSync("body.tee", [S.handle]);
    S.handle = null;
    releasedBodies.unregister(S);
    acquireReader(S);
    return [hostStream(a), hostStream(b)];
  }
  const R = acquireReader(S);
  let reading = false;
  let readAgain = false;
  const canceled = [false, false];
  const reasons = [undefined, undefined];
  let resolveCancel;
  const cancelled = new Promise((resolve) => { resolveCancel = resolve; });
  const branches = [];
  const pull = () => {
    if (reading) {
      readAgain = true;
      return Promise.resolve();
    }
    reading = true;
    readerRead(R).then(({ value, done }) => {
      reading = false;
      if (done) {
        for (let i = 0; i < 2; i++) if (!canceled[i] && canCloseOrEnqueue(branches[i])) controllerClose(branches[i]);
        resolveCancel();
        return;
      }
      const copy = ArrayBuffer.isView(value) ? new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)) : value;
      if (!canceled[0] && canCloseOrEnqueue(branches[0])) controllerEnqueue(branches[0], value);
      if (!canceled[1] && canCloseOrEnqueue(branches[1])) controllerEnqueue(branches[1], copy);
      if (readAgain) {
        readAgain = false;
        pull();
      }
    }, (e) => {
      reading = false;
      controllerError(branches[0], e);
      controllerError(branches[1], e);
      resolveCancel();
    });
    return Promise.resolve();
  };
  const cancel = (i) => (reason) => {
    canceled[i] = true;
    reasons[i] = reason;
    if (canceled[1 - i]) streamCancel(S, reasons).then(resolveCancel, resolveCancel);
    return cancelled;
  };
  const out = [internalStream(pull, cancel(0)), internalStream(pull, cancel(1))];
  branches.push(streamInternals(out[0]), streamInternals(out[1]));
  return out;
}

// --- the public classes ----------------------------------------------------------------------

class ReadableStreamDefaultController {
  #s;
  constructor(key, S) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#s = S;
  }
  get desiredSize() { return desiredSize(this.#s); }
  close() {
    if (!canCloseOrEnqueue(this.#s)) throw new TypeError("The stream is closed or closing and cannot be closed again.");
    controllerClose(this.#s);
  }
  enqueue(chunk) {
    if (!canCloseOrEnqueue(this.#s)) throw new TypeError("The stream is closed or closing and cannot be enqueued to.");
    controllerEnqueue(this.#s, chunk);
  }
  error(e) { controllerError(this.#s, e); }
}

const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf((async function* () {})()));

class ReadableStream {
  #s;
  static {
    isStream = (value) => value !== null && typeof value === "object" && #s in value;
    streamInternals = (stream) => stream.#s;
  }

  constructor(underlyingSource = undefined, strategy = undefined) {
    if (underlyingSource === INTERNAL) {
      this.#s = strategy;
      strategy.stream = this;
      return;
    }
    const source = underlyingSource === undefined || underlyingSource === null ? {} : underlyingSource;
    const { start, pull, cancel, type } = source;
    if (type !== undefined && String(type) !== "bytes") throw new RangeError(`Invalid ReadableStream type: ${String(type)}`);
    for (const [name, fn] of [["start", start], ["pull", pull], ["cancel", cancel]]) {
      if (fn !== undefined && typeof fn !== "function") throw new TypeError(`The underlying source's ${name} must be a function`);
    }
    const S = newStreamState();
    const hwm = strategy?.highWaterMark === undefined ? (type === undefined ? 1 : 0) : Number(strategy.highWaterMark);
    if (Number.isNaN(hwm) || hwm < 0) throw new RangeError("The highWaterMark must be a non-negative number");
    S.hwm = hwm;
    // A byte stream counts bytes; a default stream counts chunks unless the strategy says how.
    if (type !== undefined) S.size = (chunk) => (ArrayBuffer.isView(chunk) ? chunk.byteLength : 0);
    else if (typeof strategy?.size === "function") { const size = strategy.size; S.size = (chunk) => size(chunk); }
    if (pull !== undefined) S.pullAlgorithm = (controller) => promiseCall(pull, source, controller);
    if (cancel !== undefined) S.cancelAlgorithm = (reason) => promiseCall(cancel, source, reason);
    S.controller = new ReadableStreamDefaultController(INTERNAL, S);
    S.stream = this;
    this.#s = S;
    const started = start === undefined ? undefined : start.call(source, S.controller);
    Promise.resolve(started).then(() => {
      S.started = true;
      callPullIfNeeded(S);
    }, (e) => controllerError(S, e));
  }

  static from(iterable) {
    const iterator = iterable != null && typeof iterable[Symbol.asyncIterator] === "function" ? iterable[Symbol.asyncIterator]()
      : iterable != null && typeof iterable[Symbol.iterator] === "function" ? iterable[Symbol.iterator]()
      : null;
    if (iterator === null) throw new TypeError("ReadableStream.from needs an iterable or async iterable");
    return new ReadableStream({
      async pull(controller) {
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(await value);
      },
      async cancel(reason) {
        if (typeof iterator.return === "function") await iterator.return(reason);
      },
    }, { highWaterMark: 0 });
  }

  get locked() { return this.#s.reader !== null; }

  cancel(reason) {
    if (this.#s.reader !== null) return Promise.reject(new TypeError(STREAM_LOCKED));
    return streamCancel(this.#s, reason);
  }

  getReader(options = undefined) {
    if (options !== undefined && options !== null && options.mode !== undefined) {
      if (String(options.mode) === "byob") throw new TypeError("This runtime offers default readers only: call getReader() without { mode: \"byob\" }");
      throw new RangeError(`Invalid reader mode: ${String(options.mode)}`);
    }
    return new ReadableStreamDefaultReader(this);
  }

  tee() { return teeStream(this); }

  pipeTo() { return Promise.reject(new TypeError("pipeTo is not available: this runtime has no WritableStream")); }
  pipeThrough() { throw new TypeError("pipeThrough is not available: this runtime has no TransformStream"); }

  values(options = undefined) {
    const reader = this.getReader();
    const preventCancel = Boolean(options && options.preventCancel);
    let finished = false;
    const finish = () => {
      finished = true;
      reader.releaseLock();
    };
    const iterator = Object.create(AsyncIteratorPrototype);
    iterator.next = () => {
      if (finished) return Promise.resolve({ value: undefined, done: true });
      return reader.read().then((result) => {
        if (result.done) finish();
        return result;
      }, (e) => {
        finish();
        throw e;
      });
    };
    iterator.return = async (value) => {
      if (!finished) {
        const cancelled = preventCancel ? undefined : reader.cancel(value);
        finish();
        await cancelled;
      }
      return { value, done: true };
    };
    return iterator;
  }

  [Symbol.asyncIterator](options) { return this.values(options); }
}

class ReadableStreamDefaultReader {
  #r;
  constructor(stream) {
    if (!isStream(stream)) throw new TypeError("ReadableStreamDefaultReader needs a ReadableStream");
    const S = streamInternals(stream);
    if (S.reader !== null) throw new TypeError(STREAM_LOCKED);
    this.#r = acquireReader(S);
  }
  get closed() { return this.#r.closed; }
  read() { return readerRead(this.#r); }
  releaseLock() { if (this.#r.stream !== null) readerRelease(this.#r); }
  cancel(reason) {
    if (this.#r.stream === null) return Promise.reject(new TypeError(READER_RELEASED));
    return streamCancel(this.#r.stream, reason);
  }
}

defineGlobal("ReadableStream", ReadableStream);
defineGlobal("ReadableStreamDefaultReader", ReadableStreamDefaultReader);
defineGlobal("ReadableStreamDefaultController", ReadableStreamDefaultController);
