// In-isolate fragment: the only doors to the host. The host handles arrive as closure
// arguments and never touch `globalThis`, so tenant code cannot call them directly.
// $0: ivm.Reference to the host's async dispatcher; $1: sync ivm.Callback; $2: sync
// ivm.Callback for logs; $3: the host clock's time when this isolate was created (`begin`
// resets it when a pre-built isolate is handed to its tenant).
"use strict";
const hostAsyncRef = $0;
const hostSyncCb = $1;
const hostLogCb = $2;
let timeOriginMs = $3;
// Spectre mitigation (Cloudflare "Mitigating Spectre"): time only moves on I/O, so a busy
// loop cannot build a high-resolution timer out of Date.now().
let frozenNowMs = $3;
const NullProto = (o) => Object.assign(Object.create(null), o);
const APPLY_OPTIONS = NullProto({
  arguments: NullProto({ copy: true }),
  result: NullProto({ copy: true, promise: true }),
});

function rebuildError(e) {
  const Ctor = { TypeError, RangeError, SyntaxError }[e.name] || Error;
  const error = new Ctor(e.message);
  if (!(e.name in { TypeError: 1, RangeError: 1, SyntaxError: 1, Error: 1 })) error.name = e.name;
  return error;
}

function callHost(op, args) {
  return hostAsyncRef.apply(undefined, [op, args], APPLY_OPTIONS).then((r) => {
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
