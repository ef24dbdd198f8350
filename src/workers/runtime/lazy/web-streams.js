// Lazy runtime module: the rest of the WHATWG Streams standard on top of the core ReadableStream
// (runtime/streams.js): WritableStream (§5), TransformStream (§6), pipeTo/pipeThrough (§4.9.1
// ReadableStreamPipeTo), byte streams and BYOB readers (§4.6-4.8, §4.9.5), the queuing
// strategies (§7), the Encoding standard's TextEncoderStream/TextDecoderStream, the Compression
// standard's streams (zlib on the host), and Workers' IdentityTransformStream, FixedLengthStream
// and crypto.DigestStream. Function names follow the standard's abstract operations.
//
// ArrayBuffers cannot be detached in this V8 (no ArrayBuffer.prototype.transfer), so where the
// standard transfers a buffer this module copies it: the reader gets the same bytes, but the
// buffer it handed over is not detached.

const { callHost, callHostSync, lazyModule, utf8Encode, TextDecoder, streams: R, promise: P } = rt;
const { ReadableStream } = R;
const { resolved, rejected, deferred, handled, promiseCall, microtask, noop } = P;
const INTERNAL = R.INTERNAL;

const events = () => lazyModule("events");

/** TransferArrayBuffer, by copy (see the note at the top). */
const transferArrayBuffer = (buffer) => buffer.slice(0);

// === Queuing strategies (§7) ====================================================================

// Methods (not function expressions): the standard's size functions are not constructors.
const byteLengthSize = { size(chunk) { return chunk.byteLength; } }.size;
const countSize = { size() { return 1; } }.size;

function strategyInit(init, name) {
  if (init === null || init === undefined || (typeof init !== "object" && typeof init !== "function")) {
    throw new TypeError(`Failed to construct '${name}': 1 argument required, but only 0 present.`);
  }
  if (init.highWaterMark === undefined) throw new TypeError(`Failed to construct '${name}': required member highWaterMark is undefined.`);
  return +init.highWaterMark;
}

class ByteLengthQueuingStrategy {
  #hwm;
  constructor(init) { this.#hwm = strategyInit(init, "ByteLengthQueuingStrategy"); }
  get highWaterMark() {
    if (this === null || typeof this !== "object" || !(#hwm in this)) throw new TypeError("Illegal invocation");
    return this.#hwm;
  }
  get size() {
    if (this === null || typeof this !== "object" || !(#hwm in this)) throw new TypeError("Illegal invocation");
    return byteLengthSize;
  }
}

class CountQueuingStrategy {
  #hwm;
  constructor(init) { this.#hwm = strategyInit(init, "CountQueuingStrategy"); }
  get highWaterMark() {
    if (this === null || typeof this !== "object" || !(#hwm in this)) throw new TypeError("Illegal invocation");
    return this.#hwm;
  }
  get size() {
    if (this === null || typeof this !== "object" || !(#hwm in this)) throw new TypeError("Illegal invocation");
    return countSize;
  }
}

// === WritableStream (§5) =======================================================================

const CLOSE_SENTINEL = Symbol("close");

let isWritableStream;
let writableInternals;

function newWritableState() {
  return {
    object: null, state: "writable", storedError: undefined, writer: null, controller: null,
    inFlightWriteRequest: null, closeRequest: null, inFlightCloseRequest: null, pendingAbortRequest: null,
    writeRequests: [], backpressure: false,
  };
}

function isWritableStreamLocked(W) { return W.writer !== null; }

function writableStreamAbort(W, reason) {
  if (W.state === "closed" || W.state === "errored") return resolved(undefined);
  signalControllerAbort(W.controller, reason);
  const state = W.state;
  if (state === "closed" || state === "errored") return resolved(undefined);
  if (W.pendingAbortRequest !== null) return W.pendingAbortRequest.promise.promise;
  let wasAlreadyErroring = false;
  if (state === "erroring") {
    wasAlreadyErroring = true;
    reason = undefined;
  }
  const promise = deferred();
  W.pendingAbortRequest = { promise, reason, wasAlreadyErroring };
  if (!wasAlreadyErroring) writableStreamStartErroring(W, reason);
  return promise.promise;
}

function writableStreamClose(W) {
  const state = W.state;
  if (state === "closed" || state === "errored") return rejected(new TypeError(`The stream is ${state} and cannot be closed`));
  const promise = deferred();
  W.closeRequest = promise;
  const writer = W.writer;
  if (writer !== null && W.backpressure && state === "writable") writer.ready.resolve(undefined);
  writableControllerClose(W.controller);
  return promise.promise;
}

function writableStreamAddWriteRequest(W) {
  const promise = deferred();
  W.writeRequests.push(promise);
  return promise.promise;
}

function writableStreamDealWithRejection(W, error) {
  if (W.state === "writable") {
    writableStreamStartErroring(W, error);
    return;
  }
  writableStreamFinishErroring(W);
}

function writableStreamStartErroring(W, reason) {
  const controller = W.controller;
  W.state = "erroring";
  W.storedError = reason;
  if (W.writer !== null) writerEnsureReadyPromiseRejected(W.writer, reason);
  if (!writableStreamHasOperationMarkedInFlight(W) && controller.started) writableStreamFinishErroring(W);
}

function writableStreamFinishErroring(W) {
  W.state = "errored";
  W.controller.errorSteps();
  const storedError = W.storedError;
  for (const request of W.writeRequests) {
    request.reject(storedError);
    handled(request.promise);
  }
  W.writeRequests = [];
  if (W.pendingAbortRequest === null) {
    writableStreamRejectCloseAndClosedPromiseIfNeeded(W);
    return;
  }
  const abortRequest = W.pendingAbortRequest;
  W.pendingAbortRequest = null;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.promise.reject(storedError);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(W);
    return;
  }
  W.controller.abortSteps(abortRequest.reason).then(() => {
    abortRequest.promise.resolve(undefined);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(W);
  }, (reason) => {
    abortRequest.promise.reject(reason);
    writableStreamRejectCloseAndClosedPromiseIfNeeded(W);
  });
}

function writableStreamFinishInFlightClose(W) {
  W.inFlightCloseRequest.resolve(undefined);
  W.inFlightCloseRequest = null;
  if (W.state === "erroring") {
    W.storedError = undefined;
    if (W.pendingAbortRequest !== null) {
      W.pendingAbortRequest.promise.resolve(undefined);
      W.pendingAbortRequest = null;
    }
  }
  W.state = "closed";
  if (W.writer !== null) W.writer.closed.resolve(undefined);
}

function writableStreamFinishInFlightCloseWithError(W, error) {
  W.inFlightCloseRequest.reject(error);
  W.inFlightCloseRequest = null;
  if (W.pendingAbortRequest !== null) {
    W.pendingAbortRequest.promise.reject(error);
    W.pendingAbortRequest = null;
  }
  writableStreamDealWithRejection(W, error);
}

function writableStreamFinishInFlightWrite(W) {
  W.inFlightWriteRequest.resolve(undefined);
  W.inFlightWriteRequest = null;
}

function writableStreamFinishInFlightWriteWithError(W, error) {
  W.inFlightWriteRequest.reject(error);
  W.inFlightWriteRequest = null;
  writableStreamDealWithRejection(W, error);
}

function writableStreamHasOperationMarkedInFlight(W) {
  return W.inFlightWriteRequest !== null || W.inFlightCloseRequest !== null;
}

function writableStreamCloseQueuedOrInFlight(W) {
  return W.closeRequest !== null || W.inFlightCloseRequest !== null;
}

function writableStreamRejectCloseAndClosedPromiseIfNeeded(W) {
  if (W.closeRequest !== null) {
    W.closeRequest.reject(W.storedError);
    W.closeRequest = null;
  }
  const writer = W.writer;
  if (writer !== null) {
    writer.closed.reject(W.storedError);
    handled(writer.closed.promise);
  }
}

function writableStreamUpdateBackpressure(W, backpressure) {
  const writer = W.writer;
  if (writer !== null && backpressure !== W.backpressure) {
    if (backpressure) writer.ready = deferred();
    else writer.ready.resolve(undefined);
  }
  W.backpressure = backpressure;
}

// --- writers (§5.3, §5.5.3) -------------------------------------------------------------------

function rejectedDeferred(e) {
  const d = deferred();
  d.reject(e);
  handled(d.promise);
  return d;
}

function resolvedDeferred() {
  const d = deferred();
  d.resolve(undefined);
  return d;
}

function setUpWritableStreamDefaultWriter(Wr, W) {
  if (isWritableStreamLocked(W)) throw new TypeError("This WritableStream is currently locked to a writer.");
  Wr.stream = W;
  W.writer = Wr;
  const state = W.state;
  if (state === "writable") {
    Wr.ready = !writableStreamCloseQueuedOrInFlight(W) && W.backpressure ? deferred() : resolvedDeferred();
    Wr.closed = deferred();
  } else if (state === "erroring") {
    Wr.ready = rejectedDeferred(W.storedError);
    Wr.closed = deferred();
  } else if (state === "closed") {
    Wr.ready = resolvedDeferred();
    Wr.closed = resolvedDeferred();
  } else {
    Wr.ready = rejectedDeferred(W.storedError);
    Wr.closed = rejectedDeferred(W.storedError);
  }
}

function acquireWritableStreamDefaultWriter(W) {
  const Wr = { object: null, stream: null, ready: null, closed: null };
  setUpWritableStreamDefaultWriter(Wr, W);
  return Wr;
}

function writerEnsureClosedPromiseRejected(Wr, error) {
  if (Wr.closed.settled) Wr.closed = rejectedDeferred(error);
  else {
    Wr.closed.reject(error);
    handled(Wr.closed.promise);
  }
}

function writerEnsureReadyPromiseRejected(Wr, error) {
  if (Wr.ready.settled) Wr.ready = rejectedDeferred(error);
  else {
    Wr.ready.reject(error);
    handled(Wr.ready.promise);
  }
}

function writerGetDesiredSize(Wr) {
  const state = Wr.stream.state;
  if (state === "errored" || state === "erroring") return null;
  if (state === "closed") return 0;
  return writableControllerGetDesiredSize(Wr.stream.controller);
}

function writerRelease(Wr) {
  const W = Wr.stream;
  const releasedError = new TypeError("This writer has been released and cannot be used to write to its stream.");
  writerEnsureReadyPromiseRejected(Wr, releasedError);
  writerEnsureClosedPromiseRejected(Wr, releasedError);
  W.writer = null;
  Wr.stream = null;
}

function writerWrite(Wr, chunk) {
  const W = Wr.stream;
  const controller = W.controller;
  const chunkSize = writableControllerGetChunkSize(controller, chunk);
  if (W !== Wr.stream) return rejected(new TypeError("This writer has been released."));
  const state = W.state;
  if (state === "errored") return rejected(W.storedError);
  if (writableStreamCloseQueuedOrInFlight(W) || state === "closed") return rejected(new TypeError("The stream is closing or closed and cannot be written to."));
  if (state === "erroring") return rejected(W.storedError);
  const promise = writableStreamAddWriteRequest(W);
  writableControllerWrite(controller, chunk, chunkSize);
  return promise;
}

function writerCloseWithErrorPropagation(Wr) {
  const W = Wr.stream;
  const state = W.state;
  if (writableStreamCloseQueuedOrInFlight(W) || state === "closed") return resolved(undefined);
  if (state === "errored") return rejected(W.storedError);
  return writableStreamClose(W);
}

// --- WritableStreamDefaultController (§5.4, §5.5.4) -------------------------------------------

function signalControllerAbort(WC, reason) {
  WC.abortReason = { reason };
  if (WC.abortController !== null) WC.abortController.abort(reason);
}

function setUpWritableStreamDefaultController(W, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) {
  const WC = {
    object: null, stream: W, queue: [], queueTotalSize: 0, started: false, strategyHWM: highWaterMark,
    strategySizeAlgorithm: sizeAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm,
    // The AbortController behind `controller.signal` is made only if someone asks for the signal.
    abortController: null, abortReason: null,
    abortSteps(reason) {
      const result = WC.abortAlgorithm(reason);
      writableControllerClearAlgorithms(WC);
      return result;
    },
    errorSteps() { R.resetQueue(WC); },
  };
  WC.object = new WritableStreamDefaultController(INTERNAL, WC);
  W.controller = WC;
  writableStreamUpdateBackpressure(W, writableControllerGetBackpressure(WC));
  const startResult = startAlgorithm(WC.object);
  resolved(startResult).then(() => {
    WC.started = true;
    writableControllerAdvanceQueueIfNeeded(WC);
  }, (r) => {
    WC.started = true;
    writableStreamDealWithRejection(W, r);
  });
}

function setUpWritableStreamDefaultControllerFromSink(W, sink, sinkDict, highWaterMark, sizeAlgorithm) {
  const { abort, close, start, write } = sinkDict;
  setUpWritableStreamDefaultController(
    W,
    start === undefined ? () => undefined : (c) => Reflect.apply(start, sink, [c]),
    write === undefined ? () => resolved(undefined) : (chunk) => promiseCall(write, sink, chunk, W.controller.object),
    close === undefined ? () => resolved(undefined) : () => promiseCall(close, sink),
    abort === undefined ? () => resolved(undefined) : (reason) => promiseCall(abort, sink, reason),
    highWaterMark,
    sizeAlgorithm,
  );
}

function writableControllerAdvanceQueueIfNeeded(WC) {
  const W = WC.stream;
  if (!WC.started || W.inFlightWriteRequest !== null) return;
  if (W.state === "erroring") {
    writableStreamFinishErroring(W);
    return;
  }
  if (WC.queue.length === 0) return;
  const value = WC.queue[0].value;
  if (value === CLOSE_SENTINEL) writableControllerProcessClose(WC);
  else writableControllerProcessWrite(WC, value);
}

function writableControllerClearAlgorithms(WC) {
  WC.writeAlgorithm = () => resolved(undefined);
  WC.closeAlgorithm = () => resolved(undefined);
  WC.abortAlgorithm = () => resolved(undefined);
  WC.strategySizeAlgorithm = () => 1;
}

function writableControllerClose(WC) {
  R.enqueueValueWithSize(WC, CLOSE_SENTINEL, 0);
  writableControllerAdvanceQueueIfNeeded(WC);
}

function writableControllerError(WC, error) {
  writableControllerClearAlgorithms(WC);
  writableStreamStartErroring(WC.stream, error);
}

function writableControllerErrorIfNeeded(WC, error) {
  if (WC.stream.state === "writable") writableControllerError(WC, error);
}

function writableControllerGetBackpressure(WC) {
  return writableControllerGetDesiredSize(WC) <= 0;
}

function writableControllerGetChunkSize(WC, chunk) {
  try {
    return WC.strategySizeAlgorithm(chunk);
  } catch (e) {
    writableControllerErrorIfNeeded(WC, e);
    return 1;
  }
}

function writableControllerGetDesiredSize(WC) {
  return WC.strategyHWM - WC.queueTotalSize;
}

function writableControllerProcessClose(WC) {
  const W = WC.stream;
  W.inFlightCloseRequest = W.closeRequest;
  W.closeRequest = null;
  R.dequeueValue(WC);
  const sinkClosePromise = WC.closeAlgorithm();
  writableControllerClearAlgorithms(WC);
  sinkClosePromise.then(() => writableStreamFinishInFlightClose(W), (reason) => writableStreamFinishInFlightCloseWithError(W, reason));
}

function writableControllerProcessWrite(WC, chunk) {
  const W = WC.stream;
  W.inFlightWriteRequest = W.writeRequests.shift();
  WC.writeAlgorithm(chunk).then(() => {
    writableStreamFinishInFlightWrite(W);
    const state = W.state;
    R.dequeueValue(WC);
    if (!writableStreamCloseQueuedOrInFlight(W) && state === "writable") writableStreamUpdateBackpressure(W, writableControllerGetBackpressure(WC));
    writableControllerAdvanceQueueIfNeeded(WC);
  }, (reason) => {
    if (W.state === "writable") writableControllerClearAlgorithms(WC);
    writableStreamFinishInFlightWriteWithError(W, reason);
  });
}

function writableControllerWrite(WC, chunk, chunkSize) {
  try {
    R.enqueueValueWithSize(WC, chunk, chunkSize);
  } catch (e) {
    writableControllerErrorIfNeeded(WC, e);
    return;
  }
  const W = WC.stream;
  if (!writableStreamCloseQueuedOrInFlight(W) && W.state === "writable") writableStreamUpdateBackpressure(W, writableControllerGetBackpressure(WC));
  writableControllerAdvanceQueueIfNeeded(WC);
}

/** CreateWritableStream (§5.5.1). */
function createWritableStream(startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark = 1, sizeAlgorithm = () => 1) {
  const W = newWritableState();
  const stream = new WritableStream(INTERNAL, W);
  setUpWritableStreamDefaultController(W, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
  return stream;
}

class WritableStreamDefaultController {
  #c;
  constructor(key, WC) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#c = WC;
  }
  static #check(o) {
    if (o === null || typeof o !== "object" || !(#c in o)) throw new TypeError("Illegal invocation");
    return o.#c;
  }
  get signal() {
    const WC = WritableStreamDefaultController.#check(this);
    if (WC.abortController === null) {
      WC.abortController = new (events().AbortController)();
      if (WC.abortReason !== null) WC.abortController.abort(WC.abortReason.reason);
    }
    return WC.abortController.signal;
  }
  error(e = undefined) {
    const WC = WritableStreamDefaultController.#check(this);
    if (WC.stream.state !== "writable") return;
    writableControllerError(WC, e);
  }
}

class WritableStream {
  #w;
  static {
    isWritableStream = (value) => value !== null && typeof value === "object" && #w in value;
    writableInternals = (stream) => stream.#w;
  }
  constructor(underlyingSink = undefined, strategy = undefined) {
    if (underlyingSink === INTERNAL) {
      this.#w = strategy;
      strategy.object = this;
      return;
    }
    if (underlyingSink !== undefined && (underlyingSink === null || (typeof underlyingSink !== "object" && typeof underlyingSink !== "function"))) {
      throw new TypeError("The underlying sink must be an object");
    }
    const sink = underlyingSink === undefined ? {} : underlyingSink;
    const strategyDict = R.queuingStrategy(strategy);
    const { abort, close, start, type, write } = sink;
    for (const [name, fn] of [["abort", abort], ["close", close], ["start", start], ["write", write]]) {
      if (fn !== undefined && typeof fn !== "function") throw new TypeError(`The underlying sink's ${name} must be a function`);
    }
    if (type !== undefined) throw new RangeError("Invalid type is specified");
    const W = newWritableState();
    W.object = this;
    this.#w = W;
    const sizeAlgorithm = R.extractSizeAlgorithm(strategyDict);
    const hwm = R.extractHighWaterMark(strategyDict, 1);
    setUpWritableStreamDefaultControllerFromSink(W, sink, { abort, close, start, write }, hwm, sizeAlgorithm);
  }
  static #check(o) {
    if (!isWritableStream(o)) throw new TypeError("Illegal invocation");
    return o.#w;
  }
  get locked() { return isWritableStreamLocked(WritableStream.#check(this)); }
  abort(reason = undefined) {
    if (!isWritableStream(this)) return rejected(new TypeError("Illegal invocation"));
    if (isWritableStreamLocked(this.#w)) return rejected(new TypeError("Cannot abort a stream that already has a writer"));
    return writableStreamAbort(this.#w, reason);
  }
  close() {
    if (!isWritableStream(this)) return rejected(new TypeError("Illegal invocation"));
    const W = this.#w;
    if (isWritableStreamLocked(W)) return rejected(new TypeError("Cannot close a stream that already has a writer"));
    if (writableStreamCloseQueuedOrInFlight(W)) return rejected(new TypeError("Cannot close an already-closing stream"));
    return writableStreamClose(W);
  }
  getWriter() { return new WritableStreamDefaultWriter(this); }
}

let isWriter;

class WritableStreamDefaultWriter {
  #wr;
  static { isWriter = (value) => value !== null && typeof value === "object" && #wr in value; }
  constructor(stream) {
    if (!isWritableStream(stream)) throw new TypeError("WritableStreamDefaultWriter needs a WritableStream");
    this.#wr = acquireWritableStreamDefaultWriter(writableInternals(stream));
    this.#wr.object = this;
  }
  static #state(o) {
    if (!isWriter(o)) throw new TypeError("Illegal invocation");
    return o.#wr;
  }
  get closed() {
    if (!isWriter(this)) return rejected(new TypeError("Illegal invocation"));
    return this.#wr.closed.promise;
  }
  get desiredSize() {
    const Wr = WritableStreamDefaultWriter.#state(this);
    if (Wr.stream === null) throw new TypeError("This writer has been released.");
    return writerGetDesiredSize(Wr);
  }
  get ready() {
    if (!isWriter(this)) return rejected(new TypeError("Illegal invocation"));
    return this.#wr.ready.promise;
  }
  abort(reason = undefined) {
    if (!isWriter(this)) return rejected(new TypeError("Illegal invocation"));
    if (this.#wr.stream === null) return rejected(new TypeError("This writer has been released."));
    return writableStreamAbort(this.#wr.stream, reason);
  }
  close() {
    if (!isWriter(this)) return rejected(new TypeError("Illegal invocation"));
    const W = this.#wr.stream;
    if (W === null) return rejected(new TypeError("This writer has been released."));
    if (writableStreamCloseQueuedOrInFlight(W)) return rejected(new TypeError("Cannot close an already-closing stream"));
    return writableStreamClose(W);
  }
  releaseLock() {
    const Wr = WritableStreamDefaultWriter.#state(this);
    if (Wr.stream !== null) writerRelease(Wr);
  }
  write(chunk = undefined) {
    if (!isWriter(this)) return rejected(new TypeError("Illegal invocation"));
    if (this.#wr.stream === null) return rejected(new TypeError("This writer has been released."));
    return writerWrite(this.#wr, chunk);
  }
}

// === pipeTo and pipeThrough (§4.2.4, §4.9.1 ReadableStreamPipeTo) ==================================

function readableStreamPipeTo(S, W, preventClose, preventAbort, preventCancel, signal) {
  const reader = R.acquireDefaultReader(S);
  const writer = acquireWritableStreamDefaultWriter(W);
  S.disturbed = true;
  let shuttingDown = false;
  let currentWrite = resolved(undefined);
  const result = deferred();
  let removeAbort = noop;

  const finalize = (isError, error) => {
    writerRelease(writer);
    R.readableStreamDefaultReaderRelease(reader);
    removeAbort();
    if (isError) result.reject(error);
    else result.resolve(undefined);
  };
  const waitForWritesToFinish = () => {
    const oldCurrentWrite = currentWrite;
    return currentWrite.then(() => (oldCurrentWrite !== currentWrite ? waitForWritesToFinish() : undefined));
  };
  const shutdownWithAnAction = (action, originalIsError, originalError) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const doTheRest = () => {
      action().then(() => finalize(originalIsError, originalError), (newError) => finalize(true, newError));
    };
    if (W.state === "writable" && !writableStreamCloseQueuedOrInFlight(W)) waitForWritesToFinish().then(doTheRest);
    else doTheRest();
  };
  const shutdown = (isError, error) => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (W.state === "writable" && !writableStreamCloseQueuedOrInFlight(W)) waitForWritesToFinish().then(() => finalize(isError, error));
    else finalize(isError, error);
  };

  if (signal !== undefined) {
    const abortAlgorithm = () => {
      const error = signal.reason;
      const actions = [];
      if (!preventAbort) actions.push(() => (W.state === "writable" ? writableStreamAbort(W, error) : resolved(undefined)));
      if (!preventCancel) actions.push(() => (S.state === "readable" ? R.readableStreamCancel(S, error) : resolved(undefined)));
      shutdownWithAnAction(() => Promise.all(actions.map((action) => action())), true, error);
    };
    if (signal.aborted) {
      abortAlgorithm();
      return result.promise;
    }
    removeAbort = events().addAbortAlgorithm(signal, abortAlgorithm);
  }

  const pipeStep = () => {
    if (shuttingDown) return resolved(true);
    return writer.ready.promise.then(() => new Promise((resolveRead, rejectRead) => {
      R.readableStreamDefaultReaderRead(reader, {
        chunk: (chunk) => {
          currentWrite = writerWrite(writer, chunk).then(undefined, noop);
          resolveRead(false);
        },
        close: () => resolveRead(true),
        error: rejectRead,
      });
    }));
  };
  const pipeLoop = () => new Promise((resolveLoop, rejectLoop) => {
    const next = (done) => {
      if (done) resolveLoop();
      else pipeStep().then(next, rejectLoop);
    };
    next(false);
  });

  // Errors must be propagated forward.
  const sourceErrored = (storedError) => {
    if (!preventAbort) shutdownWithAnAction(() => writableStreamAbort(W, storedError), true, storedError);
    else shutdown(true, storedError);
  };
  if (S.state === "errored") sourceErrored(S.storedError);
  else reader.closed.promise.then(undefined, sourceErrored);
  // Errors must be propagated backward.
  const destErrored = (storedError) => {
    if (!preventCancel) shutdownWithAnAction(() => R.readableStreamCancel(S, storedError), true, storedError);
    else shutdown(true, storedError);
  };
  if (W.state === "errored") destErrored(W.storedError);
  else writer.closed.promise.then(undefined, destErrored);
  // Closing must be propagated forward.
  const sourceClosed = () => {
    if (!preventClose) shutdownWithAnAction(() => writerCloseWithErrorPropagation(writer));
    else shutdown();
  };
  if (S.state === "closed") sourceClosed();
  else reader.closed.promise.then(sourceClosed, noop);
  // Closing must be propagated backward.
  if (writableStreamCloseQueuedOrInFlight(W) || W.state === "closed") {
    const destClosed = new TypeError("the destination writable stream closed before all data could be piped to it");
    if (!preventCancel) shutdownWithAnAction(() => R.readableStreamCancel(S, destClosed), true, destClosed);
    else shutdown(true, destClosed);
  }
  handled(pipeLoop());
  return result.promise;
}

/** StreamPipeOptions, members read in lexicographic order (WebIDL). */
function pipeOptions(options) {
  if (options === undefined || options === null) return { preventAbort: false, preventCancel: false, preventClose: false, signal: undefined };
  if (typeof options !== "object" && typeof options !== "function") throw new TypeError("The pipe options must be an object");
  const preventAbort = Boolean(options.preventAbort);
  const preventCancel = Boolean(options.preventCancel);
  const preventClose = Boolean(options.preventClose);
  const signal = options.signal;
  if (signal !== undefined && !events().isAbortSignal(signal)) throw new TypeError("Failed to execute 'pipeTo' on 'ReadableStream': member signal is not of type AbortSignal.");
  return { preventAbort, preventCancel, preventClose, signal };
}

function pipeTo(source, destination, options) {
  if (!R.isStream(source)) return rejected(new TypeError("Illegal invocation"));
  if (!isWritableStream(destination)) return rejected(new TypeError("Failed to execute 'pipeTo' on 'ReadableStream': parameter 1 is not of type 'WritableStream'."));
  let o;
  try {
    o = pipeOptions(options);
  } catch (e) {
    return rejected(e);
  }
  const S = R.streamInternals(source);
  const W = writableInternals(destination);
  if (R.isReadableStreamLocked(S)) return rejected(new TypeError("Cannot pipe a locked ReadableStream"));
  if (isWritableStreamLocked(W)) return rejected(new TypeError("Cannot pipe to a locked WritableStream"));
  return readableStreamPipeTo(S, W, o.preventClose, o.preventAbort, o.preventCancel, o.signal);
}

function pipeThrough(source, transform, options) {
  if (!R.isStream(source)) throw new TypeError("Illegal invocation");
  if (transform === null || (typeof transform !== "object" && typeof transform !== "function")) throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': parameter 1 is not an object.");
  const readable = transform.readable;
  if (!R.isStream(readable)) throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': the transform's readable is not a ReadableStream.");
  const writable = transform.writable;
  if (!isWritableStream(writable)) throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': the transform's writable is not a WritableStream.");
  const o = pipeOptions(options);
  const S = R.streamInternals(source);
  if (R.isReadableStreamLocked(S)) throw new TypeError("Cannot pipe a locked ReadableStream");
  const W = writableInternals(writable);
  if (isWritableStreamLocked(W)) throw new TypeError("Cannot pipe to a locked WritableStream");
  handled(readableStreamPipeTo(S, W, o.preventClose, o.preventAbort, o.preventCancel, o.signal));
  return readable;
}

// === TransformStream (§6) ========================================================================

let isTransformStream;

function initializeTransformStream(T, startPromise, writableHWM, writableSize, readableHWM, readableSize) {
  const startAlgorithm = () => startPromise;
  T.writable = createWritableStream(
    startAlgorithm,
    (chunk) => transformStreamDefaultSinkWriteAlgorithm(T, chunk),
    () => transformStreamDefaultSinkCloseAlgorithm(T),
    (reason) => transformStreamDefaultSinkAbortAlgorithm(T, reason),
    writableHWM,
    writableSize,
  );
  T.readable = R.createReadableStream(startAlgorithm, () => transformStreamDefaultSourcePullAlgorithm(T), (reason) => transformStreamDefaultSourceCancelAlgorithm(T, reason), readableHWM, readableSize);
  T.backpressure = undefined;
  T.backpressureChange = null;
  transformStreamSetBackpressure(T, true);
  T.controller = null;
}

const readableController = (T) => R.streamInternals(T.readable).controller;
const writableState = (T) => writableInternals(T.writable);

function transformStreamError(T, e) {
  R.defaultControllerError(readableController(T), e);
  transformStreamErrorWritableAndUnblockWrite(T, e);
}

function transformStreamErrorWritableAndUnblockWrite(T, e) {
  transformControllerClearAlgorithms(T.controller);
  writableControllerErrorIfNeeded(writableState(T).controller, e);
  transformStreamUnblockWrite(T);
}

function transformStreamUnblockWrite(T) {
  if (T.backpressure) transformStreamSetBackpressure(T, false);
}

function transformStreamSetBackpressure(T, backpressure) {
  if (T.backpressureChange !== null) T.backpressureChange.resolve(undefined);
  T.backpressureChange = deferred();
  T.backpressure = backpressure;
}

function setUpTransformStreamDefaultController(T, transformAlgorithm, flushAlgorithm, cancelAlgorithm) {
  const TC = { object: null, stream: T, transformAlgorithm, flushAlgorithm, cancelAlgorithm, finishPromise: null };
  TC.object = new TransformStreamDefaultController(INTERNAL, TC);
  T.controller = TC;
}

function setUpTransformStreamDefaultControllerFromTransformer(T, transformer, dict) {
  const { cancel, flush, transform } = dict;
  let TC;
  const transformAlgorithm = transform === undefined
    ? (chunk) => {
      try {
        transformControllerEnqueue(TC, chunk);
        return resolved(undefined);
      } catch (e) {
        return rejected(e);
      }
    }
    : (chunk) => promiseCall(transform, transformer, chunk, TC.object);
  const flushAlgorithm = flush === undefined ? () => resolved(undefined) : () => promiseCall(flush, transformer, TC.object);
  const cancelAlgorithm = cancel === undefined ? () => resolved(undefined) : (reason) => promiseCall(cancel, transformer, reason);
  setUpTransformStreamDefaultController(T, transformAlgorithm, flushAlgorithm, cancelAlgorithm);
  TC = T.controller;
}

function transformControllerClearAlgorithms(TC) {
  TC.transformAlgorithm = () => resolved(undefined);
  TC.flushAlgorithm = () => resolved(undefined);
  TC.cancelAlgorithm = () => resolved(undefined);
}

function transformControllerEnqueue(TC, chunk) {
  const T = TC.stream;
  const RC = readableController(T);
  if (!R.defaultControllerCanCloseOrEnqueue(RC)) throw new TypeError("Readable side is not in a state that permits enqueue");
  try {
    R.defaultControllerEnqueue(RC, chunk);
  } catch (e) {
    transformStreamErrorWritableAndUnblockWrite(T, e);
    throw R.streamInternals(T.readable).storedError;
  }
  const backpressure = R.defaultControllerHasBackpressure(RC);
  if (backpressure !== T.backpressure) transformStreamSetBackpressure(T, true);
}

function transformControllerPerformTransform(TC, chunk) {
  return TC.transformAlgorithm(chunk).then(undefined, (r) => {
    transformStreamError(TC.stream, r);
    throw r;
  });
}

function transformControllerTerminate(TC) {
  const T = TC.stream;
  R.defaultControllerClose(readableController(T));
  transformStreamErrorWritableAndUnblockWrite(T, new TypeError("TransformStream terminated"));
}

function transformStreamDefaultSinkWriteAlgorithm(T, chunk) {
  const TC = T.controller;
  if (T.backpressure) {
    return T.backpressureChange.promise.then(() => {
      const W = writableState(T);
      if (W.state === "erroring") throw W.storedError;
      return transformControllerPerformTransform(TC, chunk);
    });
  }
  return transformControllerPerformTransform(TC, chunk);
}

function transformStreamDefaultSinkAbortAlgorithm(T, reason) {
  const TC = T.controller;
  if (TC.finishPromise !== null) return TC.finishPromise.promise;
  const S = R.streamInternals(T.readable);
  TC.finishPromise = deferred();
  const cancelPromise = TC.cancelAlgorithm(reason);
  transformControllerClearAlgorithms(TC);
  cancelPromise.then(() => {
    if (S.state === "errored") TC.finishPromise.reject(S.storedError);
    else {
      R.defaultControllerError(S.controller, reason);
      TC.finishPromise.resolve(undefined);
    }
  }, (r) => {
    R.defaultControllerError(S.controller, r);
    TC.finishPromise.reject(r);
  });
  return TC.finishPromise.promise;
}

function transformStreamDefaultSinkCloseAlgorithm(T) {
  const TC = T.controller;
  if (TC.finishPromise !== null) return TC.finishPromise.promise;
  const S = R.streamInternals(T.readable);
  TC.finishPromise = deferred();
  const flushPromise = TC.flushAlgorithm();
  transformControllerClearAlgorithms(TC);
  flushPromise.then(() => {
    if (S.state === "errored") TC.finishPromise.reject(S.storedError);
    else {
      R.defaultControllerClose(S.controller);
      TC.finishPromise.resolve(undefined);
    }
  }, (r) => {
    R.defaultControllerError(S.controller, r);
    TC.finishPromise.reject(r);
  });
  return TC.finishPromise.promise;
}

function transformStreamDefaultSourceCancelAlgorithm(T, reason) {
  const TC = T.controller;
  if (TC.finishPromise !== null) return TC.finishPromise.promise;
  const W = writableState(T);
  TC.finishPromise = deferred();
  const cancelPromise = TC.cancelAlgorithm(reason);
  transformControllerClearAlgorithms(TC);
  cancelPromise.then(() => {
    if (W.state === "errored") TC.finishPromise.reject(W.storedError);
    else {
      writableControllerErrorIfNeeded(W.controller, reason);
      transformStreamUnblockWrite(T);
      TC.finishPromise.resolve(undefined);
    }
  }, (r) => {
    writableControllerErrorIfNeeded(W.controller, r);
    transformStreamUnblockWrite(T);
    TC.finishPromise.reject(r);
  });
  return TC.finishPromise.promise;
}

function transformStreamDefaultSourcePullAlgorithm(T) {
  transformStreamSetBackpressure(T, false);
  return T.backpressureChange.promise;
}

class TransformStreamDefaultController {
  #c;
  constructor(key, TC) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#c = TC;
  }
  static #check(o) {
    if (o === null || typeof o !== "object" || !(#c in o)) throw new TypeError("Illegal invocation");
    return o.#c;
  }
  get desiredSize() { return R.defaultControllerGetDesiredSize(readableController(TransformStreamDefaultController.#check(this).stream)); }
  enqueue(chunk = undefined) { transformControllerEnqueue(TransformStreamDefaultController.#check(this), chunk); }
  error(reason = undefined) { transformStreamError(TransformStreamDefaultController.#check(this).stream, reason); }
  terminate() { transformControllerTerminate(TransformStreamDefaultController.#check(this)); }
}

class TransformStream {
  #t;
  static { isTransformStream = (value) => value !== null && typeof value === "object" && #t in value; }
  constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
    if (transformer !== undefined && transformer !== null && typeof transformer !== "object" && typeof transformer !== "function") {
      throw new TypeError("The transformer must be an object");
    }
    const t = transformer === undefined || transformer === null ? {} : transformer;
    const writableDict = R.queuingStrategy(writableStrategy);
    const readableDict = R.queuingStrategy(readableStrategy);
    const { cancel, flush, readableType, start, transform, writableType } = t;
    for (const [name, fn] of [["cancel", cancel], ["flush", flush], ["start", start], ["transform", transform]]) {
      if (fn !== undefined && typeof fn !== "function") throw new TypeError(`The transformer's ${name} must be a function`);
    }
    if (readableType !== undefined) throw new RangeError("Invalid readableType specified");
    if (writableType !== undefined) throw new RangeError("Invalid writableType specified");
    const readableHWM = R.extractHighWaterMark(readableDict, 0);
    const readableSize = R.extractSizeAlgorithm(readableDict);
    const writableHWM = R.extractHighWaterMark(writableDict, 1);
    const writableSize = R.extractSizeAlgorithm(writableDict);
    const T = { readable: null, writable: null, backpressure: undefined, backpressureChange: null, controller: null };
    this.#t = T;
    const startPromise = deferred();
    initializeTransformStream(T, startPromise.promise, writableHWM, writableSize, readableHWM, readableSize);
    setUpTransformStreamDefaultControllerFromTransformer(T, t, { cancel, flush, transform });
    if (start !== undefined) startPromise.resolve(Reflect.apply(start, t, [T.controller.object]));
    else startPromise.resolve(undefined);
  }
  static #check(o) {
    if (!isTransformStream(o)) throw new TypeError("Illegal invocation");
    return o.#t;
  }
  get readable() { return TransformStream.#check(this).readable; }
  get writable() { return TransformStream.#check(this).writable; }
}

// === byte streams and BYOB readers (§4.6-4.8, §4.9.5) ================================================

const bytesOf = (view) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

function readableStreamAddReadIntoRequest(S, request) { S.reader.readIntoRequests.push(request); }
function readableStreamFulfillReadIntoRequest(S, chunk, done) {
  const request = S.reader.readIntoRequests.shift();
  if (done) request.close(chunk);
  else request.chunk(chunk);
}
function readableStreamGetNumReadIntoRequests(S) { return S.reader.readIntoRequests.length; }
function readableStreamHasBYOBReader(S) { return S.reader !== null && S.reader.kind === "byob"; }

function setUpReadableByteStreamController(S, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, autoAllocateChunkSize) {
  const C = {
    kind: "byte", stream: S, object: null, byobRequest: null, pendingPullIntos: [], queue: [], queueTotalSize: 0,
    started: false, closeRequested: false, pullAgain: false, pulling: false, strategyHWM: highWaterMark,
    pullAlgorithm, cancelAlgorithm, autoAllocateChunkSize,
    cancelSteps(reason) {
      byteControllerClearPendingPullIntos(C);
      R.resetQueue(C);
      const result = C.cancelAlgorithm(reason);
      byteControllerClearAlgorithms(C);
      return result;
    },
    pullSteps(readRequest) {
      if (C.queueTotalSize > 0) {
        byteControllerFillReadRequestFromQueue(C, readRequest);
        return;
      }
      if (C.autoAllocateChunkSize !== undefined) {
        let buffer;
        try {
          buffer = new ArrayBuffer(C.autoAllocateChunkSize);
        } catch (e) {
          readRequest.error(e);
          return;
        }
        C.pendingPullIntos.push({ buffer, bufferByteLength: C.autoAllocateChunkSize, byteOffset: 0, byteLength: C.autoAllocateChunkSize, bytesFilled: 0, minimumFill: 1, elementSize: 1, viewConstructor: Uint8Array, readerType: "default" });
      }
      R.readableStreamAddReadRequest(S, readRequest);
      byteControllerCallPullIfNeeded(C);
    },
    releaseSteps() {
      if (C.pendingPullIntos.length > 0) {
        const first = C.pendingPullIntos[0];
        first.readerType = "none";
        C.pendingPullIntos = [first];
      }
    },
  };
  C.object = new ReadableByteStreamController(INTERNAL, C);
  S.controller = C;
  const startResult = startAlgorithm(C.object);
  resolved(startResult).then(() => {
    C.started = true;
    byteControllerCallPullIfNeeded(C);
  }, (r) => byteControllerError(C, r));
  return C;
}

function setUpByteControllerFromSource(S, source, dict, highWaterMark) {
  const { autoAllocateChunkSize, cancel, pull, start } = dict;
  let size;
  if (autoAllocateChunkSize !== undefined) {
    size = Number(autoAllocateChunkSize);
    if (!Number.isFinite(size) || size < 0) throw new TypeError("autoAllocateChunkSize must be a finite, non-negative number");
    size = Math.trunc(size);
    if (size === 0) throw new TypeError("autoAllocateChunkSize must be greater than 0");
  }
  setUpReadableByteStreamController(
    S,
    start === undefined ? () => undefined : (c) => Reflect.apply(start, source, [c]),
    pull === undefined ? () => resolved(undefined) : () => promiseCall(pull, source, S.controller.object),
    cancel === undefined ? () => resolved(undefined) : (reason) => promiseCall(cancel, source, reason),
    highWaterMark,
    size,
  );
}

function createReadableByteStream(startAlgorithm, pullAlgorithm, cancelAlgorithm) {
  const S = R.newStreamState();
  const stream = new ReadableStream(INTERNAL, S);
  setUpReadableByteStreamController(S, startAlgorithm, pullAlgorithm, cancelAlgorithm, 0, undefined);
  return stream;
}

function byteControllerShouldCallPull(C) {
  const S = C.stream;
  if (S.state !== "readable" || C.closeRequested || !C.started) return false;
  if (R.readableStreamHasDefaultReader(S) && R.readableStreamGetNumReadRequests(S) > 0) return true;
  if (readableStreamHasBYOBReader(S) && readableStreamGetNumReadIntoRequests(S) > 0) return true;
  return byteControllerGetDesiredSize(C) > 0;
}

function byteControllerCallPullIfNeeded(C) {
  R.controllerCallPullIfNeeded(C, byteControllerShouldCallPull, byteControllerError);
}

function byteControllerClearAlgorithms(C) {
  C.pullAlgorithm = () => resolved(undefined);
  C.cancelAlgorithm = () => resolved(undefined);
}

function byteControllerClearPendingPullIntos(C) {
  byteControllerInvalidateBYOBRequest(C);
  C.pendingPullIntos = [];
}

function byteControllerClose(C) {
  const S = C.stream;
  if (C.closeRequested || S.state !== "readable") return;
  if (C.queueTotalSize > 0) {
    C.closeRequested = true;
    return;
  }
  if (C.pendingPullIntos.length > 0) {
    const first = C.pendingPullIntos[0];
    if (first.bytesFilled % first.elementSize !== 0) {
      const e = new TypeError("Insufficient bytes to fill elements in the given buffer");
      byteControllerError(C, e);
      throw e;
    }
  }
  byteControllerClearAlgorithms(C);
  R.readableStreamClose(S);
}

function byteControllerCommitPullIntoDescriptor(S, desc) {
  const done = S.state === "closed";
  const filledView = byteControllerConvertPullIntoDescriptor(desc);
  if (desc.readerType === "default") R.readableStreamFulfillReadRequest(S, filledView, done);
  else readableStreamFulfillReadIntoRequest(S, filledView, done);
}

function byteControllerConvertPullIntoDescriptor(desc) {
  return new desc.viewConstructor(desc.buffer, desc.byteOffset, desc.bytesFilled / desc.elementSize);
}

function byteControllerEnqueue(C, chunk) {
  const S = C.stream;
  if (C.closeRequested || S.state !== "readable") return;
  // The chunk's bytes are copied (the standard transfers its buffer).
  const transferred = chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength);
  const byteLength = chunk.byteLength;
  if (C.pendingPullIntos.length > 0) {
    const first = C.pendingPullIntos[0];
    byteControllerInvalidateBYOBRequest(C);
    if (first.readerType === "none") byteControllerEnqueueDetachedPullIntoToQueue(C, first);
  }
  if (R.readableStreamHasDefaultReader(S)) {
    byteControllerProcessReadRequestsUsingQueue(C);
    if (R.readableStreamGetNumReadRequests(S) === 0) byteControllerEnqueueChunkToQueue(C, transferred, 0, byteLength);
    else {
      if (C.pendingPullIntos.length > 0) C.pendingPullIntos.shift();
      R.readableStreamFulfillReadRequest(S, new Uint8Array(transferred, 0, byteLength), false);
    }
  } else if (readableStreamHasBYOBReader(S)) {
    byteControllerEnqueueChunkToQueue(C, transferred, 0, byteLength);
    for (const desc of byteControllerProcessPullIntoDescriptorsUsingQueue(C)) byteControllerCommitPullIntoDescriptor(S, desc);
  } else {
    byteControllerEnqueueChunkToQueue(C, transferred, 0, byteLength);
  }
  byteControllerCallPullIfNeeded(C);
}

function byteControllerEnqueueChunkToQueue(C, buffer, byteOffset, byteLength) {
  C.queue.push({ buffer, byteOffset, byteLength });
  C.queueTotalSize += byteLength;
}

function byteControllerEnqueueClonedChunkToQueue(C, buffer, byteOffset, byteLength) {
  let clone;
  try {
    clone = buffer.slice(byteOffset, byteOffset + byteLength);
  } catch (e) {
    byteControllerError(C, e);
    throw e;
  }
  byteControllerEnqueueChunkToQueue(C, clone, 0, byteLength);
}

function byteControllerEnqueueDetachedPullIntoToQueue(C, desc) {
  if (desc.bytesFilled > 0) byteControllerEnqueueClonedChunkToQueue(C, desc.buffer, desc.byteOffset, desc.bytesFilled);
  C.pendingPullIntos.shift();
}

function byteControllerError(C, e) {
  const S = C.stream;
  if (S.state !== "readable") return;
  byteControllerClearPendingPullIntos(C);
  R.resetQueue(C);
  byteControllerClearAlgorithms(C);
  R.readableStreamError(S, e);
}

function byteControllerFillHeadPullIntoDescriptor(C, size, desc) {
  byteControllerInvalidateBYOBRequest(C);
  desc.bytesFilled += size;
}

function byteControllerFillPullIntoDescriptorFromQueue(C, desc) {
  const maxBytesToCopy = Math.min(C.queueTotalSize, desc.byteLength - desc.bytesFilled);
  const maxBytesFilled = desc.bytesFilled + maxBytesToCopy;
  let totalBytesToCopyRemaining = maxBytesToCopy;
  let ready = false;
  const maxAlignedBytes = maxBytesFilled - (maxBytesFilled % desc.elementSize);
  if (maxAlignedBytes >= desc.minimumFill) {
    totalBytesToCopyRemaining = maxAlignedBytes - desc.bytesFilled;
    ready = true;
  }
  while (totalBytesToCopyRemaining > 0) {
    const head = C.queue[0];
    const bytesToCopy = Math.min(totalBytesToCopyRemaining, head.byteLength);
    const destStart = desc.byteOffset + desc.bytesFilled;
    new Uint8Array(desc.buffer, destStart, bytesToCopy).set(new Uint8Array(head.buffer, head.byteOffset, bytesToCopy));
    if (head.byteLength === bytesToCopy) C.queue.shift();
    else {
      head.byteOffset += bytesToCopy;
      head.byteLength -= bytesToCopy;
    }
    C.queueTotalSize -= bytesToCopy;
    byteControllerFillHeadPullIntoDescriptor(C, bytesToCopy, desc);
    totalBytesToCopyRemaining -= bytesToCopy;
  }
  return ready;
}

function byteControllerFillReadRequestFromQueue(C, readRequest) {
  const entry = C.queue.shift();
  C.queueTotalSize -= entry.byteLength;
  byteControllerHandleQueueDrain(C);
  readRequest.chunk(new Uint8Array(entry.buffer, entry.byteOffset, entry.byteLength));
}

function byteControllerGetBYOBRequest(C) {
  if (C.byobRequest === null && C.pendingPullIntos.length > 0) {
    const first = C.pendingPullIntos[0];
    const view = new Uint8Array(first.buffer, first.byteOffset + first.bytesFilled, first.byteLength - first.bytesFilled);
    C.byobRequest = new ReadableStreamBYOBRequest(INTERNAL, { controller: C, view });
  }
  return C.byobRequest;
}

function byteControllerGetDesiredSize(C) {
  const state = C.stream.state;
  if (state === "errored") return null;
  if (state === "closed") return 0;
  return C.strategyHWM - C.queueTotalSize;
}

function byteControllerHandleQueueDrain(C) {
  if (C.queueTotalSize === 0 && C.closeRequested) {
    byteControllerClearAlgorithms(C);
    R.readableStreamClose(C.stream);
  } else {
    byteControllerCallPullIfNeeded(C);
  }
}

function byteControllerInvalidateBYOBRequest(C) {
  if (C.byobRequest === null) return;
  byobRequestState(C.byobRequest).controller = null;
  byobRequestState(C.byobRequest).view = null;
  C.byobRequest = null;
}

function byteControllerProcessPullIntoDescriptorsUsingQueue(C) {
  const filled = [];
  while (C.pendingPullIntos.length > 0 && C.queueTotalSize > 0) {
    const desc = C.pendingPullIntos[0];
    if (byteControllerFillPullIntoDescriptorFromQueue(C, desc)) {
      C.pendingPullIntos.shift();
      filled.push(desc);
    }
  }
  return filled;
}

function byteControllerProcessReadRequestsUsingQueue(C) {
  const reader = C.stream.reader;
  while (reader.readRequests.length > 0) {
    if (C.queueTotalSize === 0) return;
    byteControllerFillReadRequestFromQueue(C, reader.readRequests.shift());
  }
}

function byteControllerPullInto(C, view, min, readIntoRequest) {
  const S = C.stream;
  let elementSize = 1;
  let ctor = DataView;
  if (!(view instanceof DataView)) {
    elementSize = view.constructor.BYTES_PER_ELEMENT;
    ctor = view.constructor;
  }
  const minimumFill = min * elementSize;
  const buffer = transferArrayBuffer(view.buffer);
  const desc = { buffer, bufferByteLength: buffer.byteLength, byteOffset: view.byteOffset, byteLength: view.byteLength, bytesFilled: 0, minimumFill, elementSize, viewConstructor: ctor, readerType: "byob" };
  if (C.pendingPullIntos.length > 0) {
    C.pendingPullIntos.push(desc);
    readableStreamAddReadIntoRequest(S, readIntoRequest);
    return;
  }
  if (S.state === "closed") {
    readIntoRequest.close(new ctor(desc.buffer, desc.byteOffset, 0));
    return;
  }
  if (C.queueTotalSize > 0) {
    if (byteControllerFillPullIntoDescriptorFromQueue(C, desc)) {
      const filledView = byteControllerConvertPullIntoDescriptor(desc);
      byteControllerHandleQueueDrain(C);
      readIntoRequest.chunk(filledView);
      return;
    }
    if (C.closeRequested) {
      const e = new TypeError("Insufficient bytes to fill elements in the given buffer");
      byteControllerError(C, e);
      readIntoRequest.error(e);
      return;
    }
  }
  C.pendingPullIntos.push(desc);
  readableStreamAddReadIntoRequest(S, readIntoRequest);
  byteControllerCallPullIfNeeded(C);
}

function byteControllerRespond(C, bytesWritten) {
  const first = C.pendingPullIntos[0];
  if (C.stream.state === "closed") {
    if (bytesWritten !== 0) throw new TypeError("bytesWritten must be 0 when calling respond() on a closed stream");
  } else {
    if (bytesWritten === 0) throw new TypeError("bytesWritten must be greater than 0 when calling respond() on a readable stream");
    if (first.bytesFilled + bytesWritten > first.byteLength) throw new RangeError("bytesWritten out of range");
  }
  byteControllerRespondInternal(C, bytesWritten);
}

function byteControllerRespondInClosedState(C, first) {
  if (first.readerType === "none") C.pendingPullIntos.shift();
  const S = C.stream;
  if (readableStreamHasBYOBReader(S)) {
    const filled = [];
    while (filled.length < readableStreamGetNumReadIntoRequests(S) && C.pendingPullIntos.length > 0) filled.push(C.pendingPullIntos.shift());
    for (const desc of filled) byteControllerCommitPullIntoDescriptor(S, desc);
  }
}

function byteControllerRespondInReadableState(C, bytesWritten, desc) {
  byteControllerFillHeadPullIntoDescriptor(C, bytesWritten, desc);
  if (desc.readerType === "none") {
    byteControllerEnqueueDetachedPullIntoToQueue(C, desc);
    for (const d of byteControllerProcessPullIntoDescriptorsUsingQueue(C)) byteControllerCommitPullIntoDescriptor(C.stream, d);
    return;
  }
  if (desc.bytesFilled < desc.minimumFill) return;
  C.pendingPullIntos.shift();
  const remainderSize = desc.bytesFilled % desc.elementSize;
  if (remainderSize > 0) {
    const end = desc.byteOffset + desc.bytesFilled;
    byteControllerEnqueueClonedChunkToQueue(C, desc.buffer, end - remainderSize, remainderSize);
  }
  desc.bytesFilled -= remainderSize;
  const filled = byteControllerProcessPullIntoDescriptorsUsingQueue(C);
  byteControllerCommitPullIntoDescriptor(C.stream, desc);
  for (const d of filled) byteControllerCommitPullIntoDescriptor(C.stream, d);
}

function byteControllerRespondInternal(C, bytesWritten) {
  const first = C.pendingPullIntos[0];
  byteControllerInvalidateBYOBRequest(C);
  if (C.stream.state === "closed") byteControllerRespondInClosedState(C, first);
  else byteControllerRespondInReadableState(C, bytesWritten, first);
  byteControllerCallPullIfNeeded(C);
}

function byteControllerRespondWithNewView(C, view) {
  const first = C.pendingPullIntos[0];
  if (C.stream.state === "closed") {
    if (view.byteLength !== 0) throw new TypeError("The view's length must be 0 when calling respondWithNewView() on a closed stream");
  } else if (view.byteLength === 0) {
    throw new TypeError("The view's length must be greater than 0 when calling respondWithNewView() on a readable stream");
  }
  if (first.byteOffset + first.bytesFilled !== view.byteOffset) throw new RangeError("The region specified by view does not match byobRequest");
  if (first.bufferByteLength !== view.buffer.byteLength) throw new RangeError("The buffer of view has different capacity than byobRequest");
  if (first.bytesFilled + view.byteLength > first.byteLength) throw new RangeError("The region specified by view is larger than byobRequest");
  const viewByteLength = view.byteLength;
  first.buffer = view.buffer;
  byteControllerRespondInternal(C, viewByteLength);
}

let byobRequestState;

class ReadableStreamBYOBRequest {
  #r;
  static { byobRequestState = (request) => request.#r; }
  constructor(key, state) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#r = state;
  }
  static #check(o) {
    if (o === null || typeof o !== "object" || !(#r in o)) throw new TypeError("Illegal invocation");
    return o.#r;
  }
  get view() { return ReadableStreamBYOBRequest.#check(this).view; }
  /** Workers: the fewest bytes this read still needs. */
  get atLeast() {
    const r = ReadableStreamBYOBRequest.#check(this);
    if (r.controller === null || r.controller.pendingPullIntos.length === 0) return null;
    const first = r.controller.pendingPullIntos[0];
    return Math.max(0, first.minimumFill - first.bytesFilled);
  }
  respond(bytesWritten) {
    const r = ReadableStreamBYOBRequest.#check(this);
    const n = Number(bytesWritten);
    if (!Number.isFinite(n) || n < 0) throw new TypeError("bytesWritten must be a non-negative finite number");
    if (r.controller === null) throw new TypeError("This BYOB request has been invalidated");
    byteControllerRespond(r.controller, Math.trunc(n));
  }
  respondWithNewView(view) {
    const r = ReadableStreamBYOBRequest.#check(this);
    if (!ArrayBuffer.isView(view)) throw new TypeError("respondWithNewView needs an ArrayBufferView");
    if (r.controller === null) throw new TypeError("This BYOB request has been invalidated");
    byteControllerRespondWithNewView(r.controller, view);
  }
}

class ReadableByteStreamController {
  #c;
  constructor(key, C) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
    this.#c = C;
  }
  static #check(o) {
    if (o === null || typeof o !== "object" || !(#c in o)) throw new TypeError("Illegal invocation");
    return o.#c;
  }
  get byobRequest() { return byteControllerGetBYOBRequest(ReadableByteStreamController.#check(this)); }
  get desiredSize() { return byteControllerGetDesiredSize(ReadableByteStreamController.#check(this)); }
  close() {
    const C = ReadableByteStreamController.#check(this);
    if (C.closeRequested) throw new TypeError("The stream has already been closed; do not close it again!");
    if (C.stream.state !== "readable") throw new TypeError(`The stream (in ${C.stream.state} state) is not in the readable state and cannot be closed`);
    byteControllerClose(C);
  }
  enqueue(chunk) {
    const C = ReadableByteStreamController.#check(this);
    if (!ArrayBuffer.isView(chunk)) throw new TypeError("Failed to execute 'enqueue' on 'ReadableByteStreamController': parameter 1 is not of type 'ArrayBufferView'.");
    if (chunk.byteLength === 0) throw new TypeError("chunk must have non-zero byteLength");
    if (chunk.buffer.byteLength === 0) throw new TypeError("chunk's buffer must have non-zero byteLength");
    if (C.closeRequested) throw new TypeError("stream is closed or draining");
    if (C.stream.state !== "readable") throw new TypeError(`The stream (in ${C.stream.state} state) is not in the readable state and cannot be enqueued to`);
    byteControllerEnqueue(C, chunk);
  }
  error(e = undefined) { byteControllerError(ReadableByteStreamController.#check(this), e); }
}

function acquireBYOBReader(S) {
  if (R.isReadableStreamLocked(S)) throw new TypeError("This ReadableStream is currently locked to a reader.");
  if (S.controller.kind !== "byte") throw new TypeError("Cannot construct a ReadableStreamBYOBReader for a stream not constructed with a byte source");
  const Rd = { kind: "byob", stream: null, closed: null, readIntoRequests: [] };
  R.readerGenericInitialize(Rd, S);
  return Rd;
}

function byobReaderRead(Rd, view, min, readIntoRequest) {
  const S = Rd.stream;
  S.disturbed = true;
  if (S.state === "errored") readIntoRequest.error(S.storedError);
  else byteControllerPullInto(S.controller, view, min, readIntoRequest);
}

function byobReaderRelease(Rd) {
  R.readerGenericRelease(Rd);
  const e = new TypeError("This ReadableStream reader has been released.");
  const requests = Rd.readIntoRequests;
  Rd.readIntoRequests = [];
  for (const request of requests) request.error(e);
}

let isBYOBReader;

class ReadableStreamBYOBReader {
  #r;
  static { isBYOBReader = (value) => value !== null && typeof value === "object" && #r in value; }
  constructor(stream) {
    if (!R.isStream(stream)) throw new TypeError("ReadableStreamBYOBReader needs a ReadableStream");
    this.#r = acquireBYOBReader(R.streamInternals(stream));
  }
  static #check(o) {
    if (!isBYOBReader(o)) throw new TypeError("Illegal invocation");
    return o.#r;
  }
  get closed() {
    if (!isBYOBReader(this)) return rejected(new TypeError("Illegal invocation"));
    return this.#r.closed.promise;
  }
  read(view, options = undefined) {
    if (!isBYOBReader(this)) return rejected(new TypeError("Illegal invocation"));
    if (!ArrayBuffer.isView(view)) return rejected(new TypeError("Failed to execute 'read' on 'ReadableStreamBYOBReader': parameter 1 is not of type 'ArrayBufferView'."));
    if (view.byteLength === 0) return rejected(new TypeError("view must have non-zero byteLength"));
    if (view.buffer.byteLength === 0) return rejected(new TypeError("view's buffer must have non-zero byteLength"));
    const min = options === undefined || options === null || options.min === undefined ? 1 : Math.trunc(Number(options.min));
    if (!(min > 0)) return rejected(new TypeError("options.min must be greater than 0"));
    const length = view instanceof DataView ? view.byteLength : view.length;
    if (min > length) return rejected(new RangeError("options.min must be less than or equal to the view's length"));
    if (this.#r.stream === null) return rejected(new TypeError("This ReadableStream reader has been released."));
    const result = deferred();
    byobReaderRead(this.#r, view, min, {
      chunk: (value) => result.resolve({ value, done: false }),
      close: (value) => result.resolve({ value, done: true }),
      error: (e) => result.reject(e),
    });
    return result.promise;
  }
  /** Workers: read until at least `minElements` fill `view` (the standard's `read(view, { min })`). */
  readAtLeast(minElements, view) { return this.read(view, { min: minElements }); }
  releaseLock() {
    const Rd = ReadableStreamBYOBReader.#check(this);
    if (Rd.stream !== null) byobReaderRelease(Rd);
  }
  cancel(reason = undefined) {
    if (!isBYOBReader(this)) return rejected(new TypeError("Illegal invocation"));
    if (this.#r.stream === null) return rejected(new TypeError("This ReadableStream reader has been released."));
    return R.readerGenericCancel(this.#r, reason);
  }
}

/** ReadableByteStreamTee (§4.9.1): branches are byte streams, read through a BYOB reader when a branch has a BYOB request. */
function byteStreamTee(S) {
  let reader = R.acquireDefaultReader(S);
  let reading = false;
  let readAgainForBranch1 = false;
  let readAgainForBranch2 = false;
  let canceled1 = false;
  let canceled2 = false;
  let reason1;
  let reason2;
  let branch1;
  let branch2;
  const cancelPromise = deferred();
  const b1 = () => R.streamInternals(branch1).controller;
  const b2 = () => R.streamInternals(branch2).controller;
  const cloneAsUint8Array = (chunk) => new Uint8Array(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength));
  const forwardReaderError = (thisReader) => {
    thisReader.closed.promise.then(undefined, (r) => {
      if (thisReader !== reader) return;
      byteControllerError(b1(), r);
      byteControllerError(b2(), r);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    });
  };
  const pullWithDefaultReader = () => {
    if (reader.kind === "byob") {
      byobReaderRelease(reader);
      reader = R.acquireDefaultReader(S);
      forwardReaderError(reader);
    }
    R.readableStreamDefaultReaderRead(reader, {
      chunk: (chunk) => microtask(() => {
        readAgainForBranch1 = false;
        readAgainForBranch2 = false;
        const chunk1 = chunk;
        let chunk2 = chunk;
        if (!canceled1 && !canceled2) {
          try {
            chunk2 = cloneAsUint8Array(chunk);
          } catch (e) {
            byteControllerError(b1(), e);
            byteControllerError(b2(), e);
            cancelPromise.resolve(R.readableStreamCancel(S, e));
            return;
          }
        }
        if (!canceled1) byteControllerEnqueue(b1(), chunk1);
        if (!canceled2) byteControllerEnqueue(b2(), chunk2);
        reading = false;
        if (readAgainForBranch1) pull1Algorithm();
        else if (readAgainForBranch2) pull2Algorithm();
      }),
      close: () => {
        reading = false;
        if (!canceled1) byteControllerClose(b1());
        if (!canceled2) byteControllerClose(b2());
        if (b1().pendingPullIntos.length > 0) byteControllerRespond(b1(), 0);
        if (b2().pendingPullIntos.length > 0) byteControllerRespond(b2(), 0);
        if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
      },
      error: () => { reading = false; },
    });
  };
  const pullWithBYOBReader = (view, forBranch2) => {
    if (reader.kind === "default") {
      R.readableStreamDefaultReaderRelease(reader);
      reader = acquireBYOBReader(S);
      forwardReaderError(reader);
    }
    const byobBranch = forBranch2 ? b2 : b1;
    const otherBranch = forBranch2 ? b1 : b2;
    byobReaderRead(reader, view, 1, {
      chunk: (chunk) => microtask(() => {
        readAgainForBranch1 = false;
        readAgainForBranch2 = false;
        const byobCanceled = forBranch2 ? canceled2 : canceled1;
        const otherCanceled = forBranch2 ? canceled1 : canceled2;
        if (!otherCanceled) {
          let cloned;
          try {
            cloned = cloneAsUint8Array(chunk);
          } catch (e) {
            byteControllerError(byobBranch(), e);
            byteControllerError(otherBranch(), e);
            cancelPromise.resolve(R.readableStreamCancel(S, e));
            return;
          }
          if (!byobCanceled) byteControllerRespondWithNewView(byobBranch(), chunk);
          byteControllerEnqueue(otherBranch(), cloned);
        } else if (!byobCanceled) {
          byteControllerRespondWithNewView(byobBranch(), chunk);
        }
        reading = false;
        if (readAgainForBranch1) pull1Algorithm();
        else if (readAgainForBranch2) pull2Algorithm();
      }),
      close: (chunk) => {
        reading = false;
        const byobCanceled = forBranch2 ? canceled2 : canceled1;
        const otherCanceled = forBranch2 ? canceled1 : canceled2;
        if (!byobCanceled) byteControllerClose(byobBranch());
        if (!otherCanceled) byteControllerClose(otherBranch());
        if (chunk !== undefined) {
          if (!byobCanceled) byteControllerRespondWithNewView(byobBranch(), chunk);
          if (!otherCanceled && otherBranch().pendingPullIntos.length > 0) byteControllerRespond(otherBranch(), 0);
        }
        if (!byobCanceled || !otherCanceled) cancelPromise.resolve(undefined);
      },
      error: () => { reading = false; },
    });
  };
  const pull1Algorithm = () => {
    if (reading) {
      readAgainForBranch1 = true;
      return resolved(undefined);
    }
    reading = true;
    const byobRequest = byteControllerGetBYOBRequest(b1());
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequestState(byobRequest).view, false);
    return resolved(undefined);
  };
  const pull2Algorithm = () => {
    if (reading) {
      readAgainForBranch2 = true;
      return resolved(undefined);
    }
    reading = true;
    const byobRequest = byteControllerGetBYOBRequest(b2());
    if (byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(byobRequestState(byobRequest).view, true);
    return resolved(undefined);
  };
  const cancel1Algorithm = (reason) => {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) cancelPromise.resolve(R.readableStreamCancel(S, [reason1, reason2]));
    return cancelPromise.promise;
  };
  const cancel2Algorithm = (reason) => {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) cancelPromise.resolve(R.readableStreamCancel(S, [reason1, reason2]));
    return cancelPromise.promise;
  };
  branch1 = createReadableByteStream(noop, pull1Algorithm, cancel1Algorithm);
  branch2 = createReadableByteStream(noop, pull2Algorithm, cancel2Algorithm);
  forwardReaderError(reader);
  return [branch1, branch2];
}

// === Encoding streams (Encoding standard §7) =========================================================

class TextEncoderStream extends TransformStream {
  constructor() {
    // A lead surrogate at the end of one chunk pairs with a trail surrogate at the start of the next.
    let pendingLead = null;
    super({
      transform(chunk, controller) {
        let text = String(chunk);
        if (pendingLead !== null) {
          text = pendingLead + text;
          pendingLead = null;
        }
        const last = text.charCodeAt(text.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
          pendingLead = text.slice(-1);
          text = text.slice(0, -1);
        }
        if (text.length > 0) controller.enqueue(utf8Encode(text));
      },
      flush(controller) {
        if (pendingLead !== null) controller.enqueue(new Uint8Array([0xef, 0xbf, 0xbd]));
      },
    });
  }
  get encoding() { return "utf-8"; }
}

class TextDecoderStream extends TransformStream {
  #decoder;
  constructor(label = "utf-8", options = undefined) {
    const decoder = new TextDecoder(label, options);
    super({
      transform(chunk, controller) {
        if (!(chunk instanceof ArrayBuffer) && !ArrayBuffer.isView(chunk)) throw new TypeError("TextDecoderStream: a chunk must be an ArrayBuffer or an ArrayBufferView");
        const text = decoder.decode(chunk, { stream: true });
        if (text.length > 0) controller.enqueue(text);
      },
      flush(controller) {
        const text = decoder.decode();
        if (text.length > 0) controller.enqueue(text);
      },
    });
    this.#decoder = decoder;
  }
  static #check(o) {
    if (o === null || typeof o !== "object" || !(#decoder in o)) throw new TypeError("Illegal invocation");
    return o.#decoder;
  }
  get encoding() { return TextDecoderStream.#check(this).encoding; }
  get fatal() { return TextDecoderStream.#check(this).fatal; }
  get ignoreBOM() { return TextDecoderStream.#check(this).ignoreBOM; }
}

// === Compression streams (Compression standard; zlib on the host) ===================================

const COMPRESSION_FORMATS = new Set(["gzip", "deflate", "deflate-raw"]);
const releasedZlib = new FinalizationRegistry((handle) => { callHostSync("zlib.release", [handle]); });

function chunkBuffer(chunk, what) {
  if (chunk instanceof ArrayBuffer) return chunk.slice(0);
  if (ArrayBuffer.isView(chunk)) return chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength);
  throw new TypeError(`${what}: a chunk must be an ArrayBuffer or an ArrayBufferView`);
}

/** A transform whose bytes go through a host zlib stream, one host call per chunk. */
function zlibTransformer(mode, format, what) {
  const f = String(format);
  if (!COMPRESSION_FORMATS.has(f)) throw new TypeError(`The compression format must be either 'deflate', 'deflate-raw' or 'gzip'.`);
  let handle = null;
  const open = () => {
    if (handle === null) {
      handle = callHostSync("zlib.open", [mode, f]);
      releasedZlib.register(holder, handle, holder);
    }
    return handle;
  };
  const holder = {};
  const emit = (controller, buffer) => {
    if (buffer.byteLength > 0) controller.enqueue(new Uint8Array(buffer));
  };
  return {
    holder,
    async transform(chunk, controller) {
      const bytes = chunkBuffer(chunk, what);
      emit(controller, await callHost("zlib.push", [open(), bytes]));
    },
    async flush(controller) {
      const h = open();
      releasedZlib.unregister(holder);
      handle = null;
      emit(controller, await callHost("zlib.finish", [h]));
    },
    cancel() {
      if (handle !== null) callHostSync("zlib.release", [handle]);
      releasedZlib.unregister(holder);
      handle = null;
    },
  };
}

class CompressionStream extends TransformStream {
  #holder;
  constructor(format) {
    const t = zlibTransformer("compress", format, "CompressionStream");
    super(t);
    this.#holder = t.holder;
  }
}

class DecompressionStream extends TransformStream {
  #holder;
  constructor(format) {
    const t = zlibTransformer("decompress", format, "DecompressionStream");
    super(t);
    this.#holder = t.holder;
  }
}

// === Workers' byte streams ===========================================================================

function identityBytes(chunk) {
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk.slice(0));
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength));
  throw new TypeError("This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.");
}

/** Workers: a TransformStream that passes bytes through unchanged (and refuses anything else). */
class IdentityTransformStream extends TransformStream {
  constructor(options = undefined) {
    const hwm = options?.highWaterMark;
    super({ transform(chunk, controller) { controller.enqueue(identityBytes(chunk)); } }, hwm === undefined ? undefined : { highWaterMark: hwm }, undefined);
  }
}

/** Workers: an IdentityTransformStream that must carry exactly `expectedLength` bytes. */
class FixedLengthStream extends TransformStream {
  #expected;
  constructor(expectedLength, options = undefined) {
    const expected = Number(expectedLength);
    if (!Number.isSafeInteger(expected) || expected < 0) throw new TypeError("FixedLengthStream requires a non-negative integer expected length.");
    let written = 0;
    const hwm = options?.highWaterMark;
    super({
      transform(chunk, controller) {
        const bytes = identityBytes(chunk);
        written += bytes.byteLength;
        if (written > expected) throw new TypeError("Attempt to write too many bytes through a FixedLengthStream.");
        controller.enqueue(bytes);
      },
      flush() {
        if (written < expected) throw new TypeError("FixedLengthStream did not see all expected bytes before close().");
      },
    }, hwm === undefined ? undefined : { highWaterMark: hwm }, undefined);
    this.#expected = expected;
  }
}

// === crypto.DigestStream (Workers) ===================================================================

const releasedDigests = new FinalizationRegistry((handle) => { callHostSync("digest.release", [handle]); });

/** Workers: a WritableStream whose `digest` promise resolves to the hash of everything written. */
class DigestStream extends WritableStream {
  #digest;
  #bytes = 0;
  constructor(algorithm) {
    const handle = callHostSync("digest.open", [typeof algorithm === "string" ? algorithm : algorithm === null || typeof algorithm !== "object" ? algorithm : { name: String(algorithm.name) }]);
    const digest = deferred();
    handled(digest.promise);
    const holder = {};
    let self = null;
    super({
      write(chunk) {
        const bytes = chunkBuffer(chunk, "DigestStream");
        callHostSync("digest.update", [handle, bytes]);
        self.#bytes += bytes.byteLength;
      },
      close() {
        releasedDigests.unregister(holder);
        digest.resolve(callHostSync("digest.finish", [handle]));
      },
      abort(reason) {
        releasedDigests.unregister(holder);
        callHostSync("digest.release", [handle]);
        digest.reject(reason);
      },
    });
    self = this;
    this.#digest = digest.promise;
    releasedDigests.register(this, handle, holder);
  }
  get digest() {
    if (this === null || typeof this !== "object" || !(#digest in this)) throw new TypeError("Illegal invocation");
    return this.#digest;
  }
  get bytesWritten() {
    if (this === null || typeof this !== "object" || !(#digest in this)) throw new TypeError("Illegal invocation");
    return this.#bytes;
  }
}

return {
  WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController, TransformStream, TransformStreamDefaultController,
  ByteLengthQueuingStrategy, CountQueuingStrategy, ReadableStreamBYOBReader, ReadableStreamBYOBRequest, ReadableByteStreamController,
  TextEncoderStream, TextDecoderStream, CompressionStream, DecompressionStream, IdentityTransformStream, FixedLengthStream, DigestStream,
  pipeTo, pipeThrough, setUpByteControllerFromSource, byteStreamTee, isWritableStream, writableInternals,
};
