// In-isolate fragment: the entry points the host calls. Every result is plain data so it
// can be copied out; errors become `{ kind: "exception", message }` with the worker's stack.

let workerModule = null;
let env = null;
const pendingWaitUntil = new Map();
const durableObjects = new Map();

function describeError(e) {
  if (e instanceof Error) return e.stack && e.stack.includes(e.message) ? e.stack : `${e.name}: ${e.message}`;
  return `Uncaught ${formatLogArg(e)}`;
}

function makeContext(requestId) {
  const ctx = { passThrough: false, pending: () => promises.length };
  const promises = [];
  pendingWaitUntil.set(requestId, promises);
  return {
    ctx,
    api: Object.freeze({
      waitUntil: (p) => { promises.push(Promise.resolve(p)); },
      passThroughOnException: () => { ctx.passThrough = true; },
      props: {},
    }),
  };
}

function handlerFor(method, api) {
  const exported = workerModule && workerModule.default;
  if (typeof exported === "function") {
    const instance = new exported(api, env);
    if (typeof instance[method] === "function") return (...args) => instance[method](...args.slice(0, 1));
  } else if (exported && typeof exported[method] === "function") {
    return (...args) => exported[method](...args);
  }
  throw new TypeError(`the worker has no "${method}" handler on its default export`);
}

const entryPoints = {
  install(namespace, spec) {
    workerModule = namespace;
    env = makeEnv(spec);
  },
  // Not an async function: a Response the handler returns at once (or once its promise
  // settles) is turned into the reply without a further microtask when its body needs no
  // reading, so the host has the response before waitUntil work queued behind it runs.
  fetch(requestId, wire, nowMs) {
    frozenNowMs = nowMs;
    const { ctx, api } = makeContext(requestId);
    const reply = (kind, fields) => {
      const pending = ctx.pending();
      if (pending === 0) pendingWaitUntil.delete(requestId);
      return { kind, ...fields, passThrough: ctx.passThrough, pending };
    };
    const fail = (e) => reply("exception", { message: describeError(e) });
    const answer = (response) => {
      const now = responseToWireNow(response);
      return now.wire !== undefined ? reply("ok", { response: now.wire }) : now.pending.then((w) => reply("ok", { response: w }), fail);
    };
    let result;
    try {
      result = handlerFor("fetch", api)(requestFromWire(wire), env, api);
      if (result === null || typeof result !== "object" || typeof result.then !== "function") return answer(result);
    } catch (e) {
      return fail(e);
    }
    return Promise.resolve(result).then((response) => {
      try {
        return answer(response);
      } catch (e) {
        return fail(e);
      }
    }, fail);
  },
  async scheduled(requestId, cron, scheduledTimeMs, nowMs) {
    frozenNowMs = nowMs;
    const { ctx, api } = makeContext(requestId);
    try {
      const handler = handlerFor("scheduled", api);
      await handler({ type: "scheduled", cron, scheduledTime: scheduledTimeMs, noRetry() {} }, env, api);
      return { kind: "ok", pending: ctx.pending() };
    } catch (e) {
      return { kind: "exception", message: describeError(e), pending: ctx.pending() };
    } finally {
      if (ctx.pending() === 0) pendingWaitUntil.delete(requestId);
    }
  },
  async drainWaitUntil(requestId) {
    const promises = pendingWaitUntil.get(requestId) || [];
    pendingWaitUntil.delete(requestId);
    const settled = await Promise.allSettled(promises);
    return settled.filter((s) => s.status === "rejected").map((s) => describeError(s.reason));
  },
  createDurableObject(instanceId, className, idWire) {
    const Class = workerModule[className];
    if (typeof Class !== "function") throw new TypeError(`the worker exports no Durable Object class "${className}"`);
    const object = new Class(makeState(instanceId, idWire), env);
    durableObjects.set(instanceId, object);
    // The host learns the method names so it can offer them as RPC methods.
    const methods = new Set();
    for (let p = Object.getPrototypeOf(object); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const name of Object.getOwnPropertyNames(p)) if (name !== "constructor" && typeof object[name] === "function") methods.add(name);
    }
    return [...methods];
  },
  async durableObjectFetch(instanceId, wire, nowMs) {
    frozenNowMs = nowMs;
    try {
      const object = durableObjects.get(instanceId);
      if (!object || typeof object.fetch !== "function") throw new TypeError("this Durable Object has no fetch() method");
      return { kind: "ok", response: await responseToWire(await object.fetch(requestFromWire(wire))) };
    } catch (e) {
      return { kind: "exception", message: describeError(e) };
    }
  },
  async durableObjectCall(instanceId, method, args, nowMs) {
    frozenNowMs = nowMs;
    try {
      const object = durableObjects.get(instanceId);
      if (!object || typeof object[method] !== "function" || method === "constructor") throw new TypeError(`this Durable Object has no method "${method}"`);
      return { kind: "ok", value: await object[method](...args) };
    } catch (e) {
      return { kind: "exception", message: describeError(e) };
    }
  },
  // A WebSocket event from the host (a client's message, a close) for the end behind `handle`;
  // settles when its listener or Durable Object handler has finished.
  async webSocketEvent(handle, event, nowMs) {
    frozenNowMs = nowMs;
    try {
      await lazyModule("websocket").hostEvent(handle, event);
      return { kind: "ok" };
    } catch (e) {
      return { kind: "exception", message: describeError(e) };
    }
  },
  releaseDurableObject(instanceId) {
    durableObjects.delete(instanceId);
  },
};

// The host's fast path: `start` runs an entry point from a synchronous host call and reports
// the settled result through `completion` (a host callback bound once at install). When the
// entry finishes within that call's microtask checkpoint, the host has its answer without a
// thread hop. When it awaits host I/O, the host asks for the promise with `wait`, whose
// result isolated-vm copies out (and rejects if the isolate dies); a result that settled
// before `wait` arrived is reported through `completion` instead.
let completion = null;
const running = new Map();
const STARTABLE = new Set(Object.keys(entryPoints).filter((name) => name !== "install"));
const hostEntryPoints = {
  ...entryPoints,
  bindCompletion(cb, ioQueued) {
    if (completion === null) {
      completion = cb;
      hostIoQueuedCb = ioQueued;
    }
  },
  // Runs the oldest deferred I/O continuation in the host's turn; returns how many remain.
  flushIo() {
    syncTurn = true;
    const resume = ioQueue.shift();
    if (resume !== undefined) resume();
    return ioQueue.length;
  },
  // Runs every deferred continuation on the isolate's own thread (the entry has answered).
  flushIoAll() {
    syncTurn = false;
    while (ioQueue.length > 0) ioQueue.shift()();
  },
  // The host's half of `lazyModule`: `factory` is the lazy module just compiled in this context.
  installLazy(name, factory) {
    if (!lazyExports.has(name)) lazyExports.set(name, factory(runtimeInternals()));
  },
  // Runs the request path once without tenant code, so V8 compiles the runtime's lazily
  // compiled functions while a spare isolate waits rather than on its first request. It
  // leaves nothing behind but garbage.
  warmUp() {
    const request = requestFromWire({ method: "POST", url: "https://warm-up.invalid/a?b=c", headers: [["accept", "*/*"], ["content-type", "text/plain"]], body: new ArrayBuffer(1), cf: { colo: "" } });
    void request.headers.get("accept");
    void new URL(request.url).searchParams.get("b");
    void request.text();
    // The fetch entry itself, with a stand-in module that answers at once; nothing is kept.
    workerModule = { default: { fetch: () => new Response("warm-up", { status: 200, headers: { "content-type": "text/plain" } }) } };
    try {
      void entryPoints.fetch(-1, { method: "GET", url: "https://warm-up.invalid/", headers: [], body: null }, frozenNowMs);
    } finally {
      workerModule = null;
      pendingWaitUntil.delete(-1);
    }
    // A host body passed on untouched (handle 0 is never issued: taking it makes no host call)
    // and a stream made here, read whole.
    void responseToWire(responseFromWire({ status: 200, statusText: "", headers: [], body: { stream: 0 } }));
    void new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array(1)); c.close(); } })).text();
    void new TextEncoder().encode("é");
  },
  // Called once, before the tenant's module is evaluated: its clock starts now.
  begin(nowMs) {
    timeOriginMs = nowMs;
    frozenNowMs = nowMs;
  },
  // `sync`: entered from the host's own turn (applySync), whose I/O continuations are deferred.
  start(token, name, args, sync) {
    if (!STARTABLE.has(name)) throw new TypeError(`no entry point "${name}"`);
    syncTurn = sync === true;
    const fail = (e) => completion(token, false, e instanceof Error ? e.message : String(e));
    let settled;
    try {
      settled = entryPoints[name](...args);
    } catch (e) {
      settled = Promise.reject(e);
    }
    if (settled === null || typeof settled !== "object" || typeof settled.then !== "function") {
      // Settled already: reported before any microtask of this turn runs.
      try {
        completion(token, true, settled);
      } catch (e) {
        fail(e);
      }
      return;
    }
    running.set(token, settled);
    settled.then((value) => {
      if (!running.delete(token)) return;
      try {
        completion(token, true, value);
      } catch (e) {
        // The value could not be copied out (a function, a symbol...): the call fails instead.
        fail(e);
      }
    }, (e) => {
      if (running.delete(token)) fail(e);
    });
  },
  wait(token) {
    syncTurn = false;
    const settled = running.get(token);
    if (settled === undefined) return { reported: true };
    running.delete(token);
    return settled.then((value) => ({ value }));
  },
};

// What a lazy module (runtime/lazy/*.js) receives as `rt`: the core's internals, made once.
let internals = null;
function runtimeInternals() {
  internals ??= Object.freeze({
    callHost, callHostSync, toArrayBuffer, bytesToBuffer, defineGlobal, lazyModule, hostLog: hostLogCb, formatLogArg,
    now: () => frozenNowMs, timeOrigin: () => timeOriginMs, hostSleep, utf8Encode, utf8Decode, textEncoder, textDecoder,
    formEncode, formDecode, headerPairs, isRequest, isResponse, readableStreamFromIterable, TextDecoder, pairIteratorClass, pairIterator,
    promise: { resolved, rejected, deferred, handled, promiseCall, microtask, noop },
    streams: {
      ReadableStream, INTERNAL, BODY_USED, STREAM_LOCKED, READER_RELEASED, isStream, streamInternals, isDefaultReader, readerInternals,
      newStreamState, createReadableStream, setUpDefaultController, internalStream, readAllBytes, chunkBytes, concatBytes,
      queuingStrategy, extractHighWaterMark, extractSizeAlgorithm, enqueueValueWithSize, dequeueValue, resetQueue, isNonNegativeNumber,
      readableStreamAddReadRequest, readableStreamCancel, readableStreamClose, readableStreamError, readableStreamFulfillReadRequest,
      readableStreamGetNumReadRequests, readableStreamHasDefaultReader, isReadableStreamLocked, readerGenericInitialize,
      readerGenericCancel, readerGenericRelease, acquireDefaultReader, readableStreamDefaultReaderRead,
      readableStreamDefaultReaderRelease, promiseReadRequest, readerRead, readableStreamDefaultTee,
      controllerCallPullIfNeeded, defaultControllerCallPullIfNeeded, defaultControllerClose, defaultControllerEnqueue, defaultControllerError,
      defaultControllerGetDesiredSize, defaultControllerHasBackpressure, defaultControllerCanCloseOrEnqueue,
    },
  });
  return internals;
}

return hostEntryPoints;
