// In-isolate module `node:util` (compatibility flag nodejs_compat): the parts of Node's util
// that libraries reach for — format/inspect, promisify/callbackify, inherits, deprecate,
// isDeepStrictEqual, util.types and the text codecs. `inspect` prints on one line (Node breaks
// long output over several); everything else follows Node's documented behaviour.

const customInspect = Symbol.for("nodejs.util.inspect.custom");
const customPromisify = Symbol.for("nodejs.util.promisify.custom");
const TypedArray = Object.getPrototypeOf(Uint8Array);
const AsyncFunction = (async () => {}).constructor;
const GeneratorFunction = function* () {}.constructor;
const AsyncGeneratorFunction = async function* () {}.constructor;

// Node picks the first quote the string does not contain: ', then ", then `.
function quote(s) {
  const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes("`") ? "`" : "'";
  const escaped = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
  return `${q}${q === "'" ? escaped.replace(/'/g, "\\'") : escaped}${q}`;
}

function keyText(k) {
  if (typeof k === "symbol") return `[${k.toString()}]`;
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
}

function functionText(f) {
  const source = Function.prototype.toString.call(f);
  if (source.startsWith("class")) return `[class ${f.name || "(anonymous)"}]`;
  const kind = f instanceof AsyncFunction ? "AsyncFunction" : f instanceof GeneratorFunction ? "GeneratorFunction" : "Function";
  return `[${kind}${f.name ? `: ${f.name}` : " (anonymous)"}]`;
}

export function inspect(value, options) {
  const opts = typeof options === "object" && options !== null ? options : {};
  const depthMax = opts.depth === undefined ? 2 : opts.depth === null ? Infinity : opts.depth;
  const seen = [];
  const show = (v, depth) => {
    switch (typeof v) {
      case "string": return quote(v);
      case "number": return Object.is(v, -0) ? "-0" : String(v);
      case "bigint": return `${v}n`;
      case "symbol": return v.toString();
      case "undefined": return "undefined";
      case "boolean": return String(v);
      case "function": if (Object.keys(v).length === 0) return functionText(v);
    }
    if (v === null) return "null";
    if (typeof v[customInspect] === "function" && v[customInspect] !== inspect) {
      const out = v[customInspect](depthMax - depth, { ...opts, depth: depthMax - depth }, inspect);
      return typeof out === "string" ? out : show(out, depth);
    }
    if (seen.includes(v)) return "[Circular *1]";
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
    if (v instanceof RegExp) return String(v);
    if (v instanceof Error) return v.stack && v.stack.includes(v.message) ? v.stack : `${v.name}: ${v.message}`;
    if (v instanceof Promise) return "Promise { <unknown> }";
    const ctor = Object.getPrototypeOf(v) === null ? "[Object: null prototype]" : (v.constructor && v.constructor.name) || "Object";
    const nested = (items, open, close, prefix) => {
      if (items.length === 0) return `${prefix}${open}${close}`;
      return `${prefix}${open} ${items.join(", ")} ${close}`;
    };
    if (depth > depthMax) return Array.isArray(v) ? "[Array]" : `[${ctor}]`;
    seen.push(v);
    try {
      if (Array.isArray(v)) {
        const items = v.slice(0, 100).map((x) => show(x, depth + 1));
        if (v.length > 100) items.push(`... ${v.length - 100} more items`);
        return nested(items, "[", "]", ctor === "Array" ? "" : `${ctor}(${v.length}) `);
      }
      if (v instanceof TypedArray) return nested(Array.from(v.slice(0, 100), (x) => show(x, depth + 1)), "[", "]", `${ctor}(${v.length}) `);
      if (v instanceof ArrayBuffer) return `ArrayBuffer { byteLength: ${v.byteLength} }`;
      if (v instanceof Map) return nested([...v].map(([k, x]) => `${show(k, depth + 1)} => ${show(x, depth + 1)}`), "{", "}", `${ctor}(${v.size}) `);
      if (v instanceof Set) return nested([...v].map((x) => show(x, depth + 1)), "{", "}", `${ctor}(${v.size}) `);
      const keys = [...Object.keys(v), ...Object.getOwnPropertySymbols(v).filter((s) => Object.prototype.propertyIsEnumerable.call(v, s))];
      const items = keys.map((k) => `${keyText(k)}: ${show(v[k], depth + 1)}`);
      if (typeof v === "function") return nested(items, "{", "}", `${functionText(v)} `);
      return nested(items, "{", "}", ctor === "Object" ? "" : `${ctor} `);
    } finally {
      seen.pop();
    }
  };
  return show(value, 0);
}
inspect.custom = customInspect;

export function format(first, ...args) {
  if (typeof first !== "string") return [first, ...args].map((a) => (typeof a === "string" ? a : inspect(a))).join(" ");
  let i = 0;
  let out = first.replace(/%([sdifjoOc%])/g, (match, c) => {
    if (c === "%") return "%";
    if (i >= args.length) return match;
    const a = args[i++];
    switch (c) {
      case "s": return typeof a === "string" ? a : typeof a === "bigint" ? `${a}n` : typeof a === "object" && a !== null ? inspect(a, { depth: 0 }) : String(a);
      case "d": return typeof a === "bigint" ? `${a}n` : typeof a === "object" ? "NaN" : String(Number(a));
      case "i": return typeof a === "bigint" ? `${a}n` : String(parseInt(a, 10));
      case "f": return String(parseFloat(a));
      case "j": try { return JSON.stringify(a); } catch { return "[Circular]"; }
      case "o": case "O": return inspect(a);
      default: return ""; // %c: CSS, ignored outside browsers
    }
  });
  for (; i < args.length; i++) out += ` ${typeof args[i] === "string" ? args[i] : inspect(args[i])}`;
  return out;
}

export function promisify(original) {
  if (typeof original !== "function") throw new TypeError('The "original" argument must be of type function');
  if (typeof original[customPromisify] === "function") return original[customPromisify];
  function promisified(...args) {
    return new Promise((resolve, reject) => {
      original.call(this, ...args, (error, value) => (error ? reject(error) : resolve(value)));
    });
  }
  Object.setPrototypeOf(promisified, Object.getPrototypeOf(original));
  return Object.defineProperties(promisified, Object.getOwnPropertyDescriptors(original));
}
promisify.custom = customPromisify;

export function callbackify(original) {
  if (typeof original !== "function") throw new TypeError('The "original" argument must be of type function');
  return function callbackified(...args) {
    const callback = args.pop();
    if (typeof callback !== "function") throw new TypeError('The last argument must be of type function');
    Promise.resolve(original.apply(this, args)).then(
      (value) => queueMicrotask(() => callback(null, value)),
      (reason) => queueMicrotask(() => callback(reason === undefined || reason === null ? Object.assign(new Error("Promise was rejected with a falsy value"), { reason }) : reason)),
    );
  };
}

export function inherits(ctor, superCtor) {
  if (typeof ctor !== "function" || typeof superCtor !== "function" || superCtor.prototype === undefined) throw new TypeError("inherits: both arguments must be constructors");
  Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

const warned = new Set();
export function deprecate(fn, message, code) {
  return function deprecated(...args) {
    const key = code ?? message;
    if (!warned.has(key)) {
      warned.add(key);
      console.warn(`${code ? `[${code}] ` : ""}DeprecationWarning: ${message}`);
    }
    return new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args);
  };
}

export function debuglog() {
  const log = () => {};
  log.enabled = false;
  return log;
}

export function isDeepStrictEqual(a, b) {
  const pairs = [];
  const eq = (x, y) => {
    if (Object.is(x, y)) return true;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false;
    if (pairs.some(([p, q]) => p === x && q === y)) return true;
    pairs.push([x, y]);
    if (x instanceof Date) return Object.is(x.getTime(), y.getTime());
    if (x instanceof RegExp) return String(x) === String(y) && x.lastIndex === y.lastIndex;
    if (ArrayBuffer.isView(x)) return x.byteLength === y.byteLength && new Uint8Array(x.buffer, x.byteOffset, x.byteLength).every((v, i) => v === new Uint8Array(y.buffer, y.byteOffset, y.byteLength)[i]);
    if (x instanceof Map) return x.size === y.size && [...x].every(([k, v]) => y.has(k) && eq(v, y.get(k)));
    if (x instanceof Set) return x.size === y.size && [...x].every((v) => y.has(v) || [...y].some((w) => eq(v, w)));
    if (x instanceof Error && (x.message !== y.message || x.name !== y.name)) return false;
    const kx = Reflect.ownKeys(x).filter((k) => Object.prototype.propertyIsEnumerable.call(x, k));
    const ky = Reflect.ownKeys(y).filter((k) => Object.prototype.propertyIsEnumerable.call(y, k));
    return kx.length === ky.length && kx.every((k) => Object.prototype.propertyIsEnumerable.call(y, k) && eq(x[k], y[k]));
  };
  return eq(a, b);
}

const tag = (v) => Object.prototype.toString.call(v).slice(8, -1);
export const types = Object.freeze({
  isAnyArrayBuffer: (v) => v instanceof ArrayBuffer,
  isArrayBuffer: (v) => v instanceof ArrayBuffer,
  isArrayBufferView: (v) => ArrayBuffer.isView(v),
  isAsyncFunction: (v) => v instanceof AsyncFunction || v instanceof AsyncGeneratorFunction,
  isBigInt64Array: (v) => v instanceof BigInt64Array,
  isBigUint64Array: (v) => v instanceof BigUint64Array,
  isBoxedPrimitive: (v) => ["Number", "String", "Boolean", "BigInt", "Symbol"].includes(tag(v)) && typeof v === "object",
  isDataView: (v) => v instanceof DataView,
  isDate: (v) => v instanceof Date,
  isFloat32Array: (v) => v instanceof Float32Array,
  isFloat64Array: (v) => v instanceof Float64Array,
  isGeneratorFunction: (v) => v instanceof GeneratorFunction || v instanceof AsyncGeneratorFunction,
  isGeneratorObject: (v) => tag(v) === "Generator",
  isInt8Array: (v) => v instanceof Int8Array,
  isInt16Array: (v) => v instanceof Int16Array,
  isInt32Array: (v) => v instanceof Int32Array,
  isMap: (v) => v instanceof Map,
  isMapIterator: (v) => tag(v) === "Map Iterator",
  isNativeError: (v) => v instanceof Error,
  isPromise: (v) => v instanceof Promise,
  isProxy: () => false, // not observable from JavaScript
  isRegExp: (v) => v instanceof RegExp,
  isSet: (v) => v instanceof Set,
  isSetIterator: (v) => tag(v) === "Set Iterator",
  isSharedArrayBuffer: () => false, // Workers have no SharedArrayBuffer
  isSymbolObject: (v) => typeof v === "object" && tag(v) === "Symbol",
  isTypedArray: (v) => v instanceof TypedArray,
  isUint8Array: (v) => v instanceof Uint8Array,
  isUint8ClampedArray: (v) => v instanceof Uint8ClampedArray,
  isUint16Array: (v) => v instanceof Uint16Array,
  isUint32Array: (v) => v instanceof Uint32Array,
  isWeakMap: (v) => v instanceof WeakMap,
  isWeakSet: (v) => v instanceof WeakSet,
});

export function stripVTControlCharacters(s) {
  return String(s).replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}

export function toUSVString(s) {
  return String(s).toWellFormed();
}

export const isArray = Array.isArray;
export const isBoolean = (v) => typeof v === "boolean";
export const isNull = (v) => v === null;
export const isNullOrUndefined = (v) => v === null || v === undefined;
export const isNumber = (v) => typeof v === "number";
export const isString = (v) => typeof v === "string";
export const isSymbol = (v) => typeof v === "symbol";
export const isUndefined = (v) => v === undefined;
export const isRegExp = types.isRegExp;
export const isObject = (v) => v !== null && typeof v === "object";
export const isDate = types.isDate;
export const isError = types.isNativeError;
export const isFunction = (v) => typeof v === "function";
export const isPrimitive = (v) => v === null || (typeof v !== "object" && typeof v !== "function");

const { TextEncoder, TextDecoder } = globalThis;
export { TextEncoder, TextDecoder };

export default {
  inspect, format, promisify, callbackify, inherits, deprecate, debuglog, isDeepStrictEqual, types,
  stripVTControlCharacters, toUSVString, TextEncoder, TextDecoder,
  isArray, isBoolean, isNull, isNullOrUndefined, isNumber, isString, isSymbol, isUndefined, isRegExp,
  isObject, isDate, isError, isFunction, isPrimitive,
};
