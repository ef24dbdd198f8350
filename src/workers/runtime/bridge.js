// In-isolate fragment: the only doors to the host. The host handles arrive as closure
// arguments and never touch `globalThis`, so tenant code cannot call them directly.
// $0: ivm.Reference to the host's async dispatcher; $1: sync ivm.Callback; $2: sync
// ivm.Callback for logs; $3: the host clock's time when this isolate was created (`begin`
// resets it when a pre-built isolate is handed to its tenant); $4: sync ivm.Callback that
// loads a lazy runtime module (see `lazyModule`).
"use strict";
const hostAsyncRef = $0;
const hostSyncCb = $1;
const hostLogCb = $2;
let timeOriginMs = $3;
const hostLoadCb = $4;
// Spectre mitigation (Cloudflare "Mitigating Spectre"): time only moves on I/O, so a busy
// loop cannot build a high-resolution timer out of Date.now().
let frozenNowMs = $3;
const NullProto = (o) => Object.assign(Object.create(null), o);
const APPLY_OPTIONS = NullProto({
  arguments: NullProto({ copy: true }),
  result: NullProto({ copy: true, promise: true }),
});

function rebuildError(e) {
  // A DOMException (WebCrypto's NotSupportedError, say) comes back as one.
  if (e.dom === true) return new (lazyModule("events").DOMException)(e.message, e.name);
  const Ctor = { TypeError, RangeError, SyntaxError }[e.name] || Error;
  const error = new Ctor(e.message);
  if (!(e.name in { TypeError: 1, RangeError: 1, SyntaxError: 1, Error: 1 })) error.name = e.name;
  return error;
}

// I/O answered in the host's synchronous turn (a KV read the namespace answers at once) does not
// resume the worker's code in that same turn: its continuation waits in `ioQueue` until the host
// runs it (`flushIo`), as real I/O would arrive later. So work that depends on it (a waitUntil
// task reading KV, say) runs after the entry's answer has been reported, as on Cloudflare, while
// a handler that awaits the read still finishes in the host's turn, without a thread hop.
// `syncTurn` says whether the code running now was entered synchronously by the host.
let syncTurn = false;
const ioQueue = [];
let hostIoQueuedCb = null; // bound with the completion callback; tells the host the queue filled
function deferIo(resume) {
  ioQueue.push(resume);
  if (ioQueue.length === 1 && hostIoQueuedCb !== null) hostIoQueuedCb();
}

function callHost(op, args) {
  return hostAsyncRef.apply(undefined, [op, args], APPLY_OPTIONS).then((r) => {
    // A host reply resumes code on the isolate's own thread, never in the host's turn.
    syncTurn = false;
    frozenNowMs = r.t;
    if (r.e !== undefined) throw rebuildError(r.e);
    return r.v;
  });
}

function callHostSync(op, args) {
  const r = hostSyncCb(op, args);
  if (r.e !== undefined) throw rebuildError(r.e);
  return r.v;
}

function toArrayBuffer(data) {
  if (data instanceof ArrayBuffer) return data.slice(0);
  if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  throw new TypeError("expected an ArrayBuffer or an ArrayBufferView");
}

function defineGlobal(name, value) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

/**
 * A WebIDL pair iterator class for `name` (Headers, FormData, URLSearchParams): objects whose
 * `next` lives on one prototype inheriting %IteratorPrototype%, tagged "<name> Iterator". The
 * returned function makes one from a step function returning iterator results.
 */
function pairIteratorClass(name) {
  const steps = new WeakMap();
  const proto = Object.create(IteratorPrototype);
  Object.defineProperty(proto, "next", {
    value: function next() {
      const step = steps.get(this);
      if (step === undefined) throw new TypeError("Illegal invocation");
      return step();
    },
    writable: true, enumerable: true, configurable: true,
  });
  Object.defineProperty(proto, Symbol.toStringTag, { value: `${name} Iterator`, configurable: true });
  return (step) => {
    const iterator = Object.create(proto);
    steps.set(iterator, step);
    return iterator;
  };
}

/** A live iterator over `pairs()` (re-read at each step, as WebIDL pair iterators are): kind 0 entries, 1 keys, 2 values. */
function pairIterator(make, pairs, kind) {
  let i = 0;
  return make(() => {
    const list = pairs();
    if (i >= list.length) return { value: undefined, done: true };
    const [k, v] = list[i++];
    return { value: kind === 0 ? [k, v] : kind === 1 ? k : v, done: false };
  });
}

// Lazy runtime modules (runtime/lazy/*.js): the heavy classes (streams beyond ReadableStream,
// FormData and Blob, events and AbortSignal, Web Crypto) are compiled into an isolate only when
// its code first touches one of their globals, so a worker that never does pays nothing for them
// at cold start. The host compiles the module from its own code cache and hands the module's
// factory back through the `installLazy` entry point, which calls it with `runtimeInternals()`.
const lazyExports = new Map();
function lazyModule(name) {
  let exports = lazyExports.get(name);
  if (exports === undefined) {
    hostLoadCb(name);
    exports = lazyExports.get(name);
    if (exports === undefined) throw new Error(`the runtime module "${name}" did not load`);
  }
  return exports;
}

/**
 * Globals that install `module` on first access. Reading one replaces every getter with the
 * module's value; assigning one first simply overrides it, as for any other global.
 */
function lazyGlobals(module, names) {
  for (const name of names) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      enumerable: false,
      get() {
        const value = lazyModule(module)[name];
        defineGlobal(name, value);
        return value;
      },
      set(value) { defineGlobal(name, value); },
    });
  }
}

// Code generation from strings is refused, as on Cloudflare (V8's
// AllowCodeGenerationFromStrings(false)). isolated-vm sets that flag on its contexts but its
// ModifyCodeGenerationFromStrings callback allows all but huge sources, so the runtime refuses
// instead: `eval` and every function constructor (Function, AsyncFunction, GeneratorFunction,
// AsyncGeneratorFunction) are replaced by ones that throw workerd's EvalError. The originals
// become unreachable: their only references were the replaced properties.
{
  const CODEGEN_REFUSED = "Code generation from strings disallowed for this context";
  const refuse = (original, name, parent) => {
    const Refused = function () { throw new EvalError(CODEGEN_REFUSED); };
    Object.defineProperty(Refused, "name", { value: name });
    Object.defineProperty(Refused, "length", { value: 1 });
    // AsyncFunction and the others inherit from Function: from the refused one, so that
    // Object.getPrototypeOf cannot lead back to the original.
    Object.setPrototypeOf(Refused, parent);
    Refused.prototype = original.prototype;
    Object.defineProperty(original.prototype, "constructor", { value: Refused, writable: true, configurable: true });
    return Refused;
  };
  const RefusedFunction = refuse(Function, "Function", Function.prototype);
  defineGlobal("Function", RefusedFunction);
  refuse(Object.getPrototypeOf(async function () {}).constructor, "AsyncFunction", RefusedFunction);
  refuse(Object.getPrototypeOf(function* () {}).constructor, "GeneratorFunction", RefusedFunction);
  refuse(Object.getPrototypeOf(async function* () {}).constructor, "AsyncGeneratorFunction", RefusedFunction);
  // eval of a non-string returns it unchanged (ECMA-262 PerformEval step 2): no code is made.
  const refusedEval = function (source) {
    if (typeof source !== "string") return source;
    throw new EvalError(CODEGEN_REFUSED);
  };
  Object.defineProperty(refusedEval, "name", { value: "eval" });
  defineGlobal("eval", refusedEval);
}
defineGlobal("self", globalThis);
// workerd's global scope has an opaque origin, serialised as "null" (HTML, "opaque origin").
Object.defineProperty(globalThis, "origin", { get: () => "null", configurable: true, enumerable: true });

// Cloudflare has no SharedArrayBuffer/Atomics (they make precise timers); WebAssembly stays,
// but without shared memories, which would bring SharedArrayBuffer back.
delete globalThis.SharedArrayBuffer;
delete globalThis.Atomics;
if (typeof WebAssembly === "object") {
  const WasmMemory = WebAssembly.Memory;
  const Memory = function Memory(descriptor) {
    if (descriptor && descriptor.shared) throw new TypeError("shared WebAssembly memory is not available");
    return new WasmMemory(descriptor);
  };
  Memory.prototype = WasmMemory.prototype;
  WebAssembly.Memory = Memory;
}

{
  const RealDate = Date;
  const FrozenDate = function Date(...args) {
    if (!new.target) return new RealDate(frozenNowMs).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [frozenNowMs] : args, new.target);
  };
  FrozenDate.prototype = RealDate.prototype;
  // Date.now() is a whole number of milliseconds, as in every JavaScript engine.
  FrozenDate.now = () => Math.floor(frozenNowMs);
  FrozenDate.parse = RealDate.parse;
  FrozenDate.UTC = RealDate.UTC;
  Object.defineProperty(RealDate.prototype, "constructor", { value: FrozenDate, writable: true, configurable: true });
  defineGlobal("Date", FrozenDate);
  defineGlobal("performance", { now: () => frozenNowMs - timeOriginMs, get timeOrigin() { return timeOriginMs; } });
}

function formatLogArg(value) {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.stack || String(value);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}

defineGlobal("console", Object.fromEntries(["log", "info", "warn", "error", "debug"].map((level) => [
  level,
  (...args) => hostLogCb(level, args.map(formatLogArg).join(" ")),
])));

defineGlobal("structuredClone", (value) => callHostSync("clone", [value]));
defineGlobal("queueMicrotask", (fn) => { Promise.resolve().then(fn); });
