// Lazy runtime module: DOMException, Event, EventTarget, CustomEvent, ErrorEvent,
// AbortController and AbortSignal (WHATWG DOM §2 and §3.1-3.2, WebIDL §3.14). A worker's event
// targets have no parents, so dispatch is the standard's algorithm with a path of one: capture
// and bubble listeners all run at the target.

const { now, timeOrigin, hostSleep, hostLog, formatLogArg } = rt;

// WebIDL §3.14.1: the legacy code of each DOMException name, and the constants.
const DOM_EXCEPTION_CODES = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InUseAttributeError: 10,
  InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14,
  InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20,
  URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};
const DOM_EXCEPTION_CONSTANTS = {
  INDEX_SIZE_ERR: 1, DOMSTRING_SIZE_ERR: 2, HIERARCHY_REQUEST_ERR: 3, WRONG_DOCUMENT_ERR: 4, INVALID_CHARACTER_ERR: 5,
  NO_DATA_ALLOWED_ERR: 6, NO_MODIFICATION_ALLOWED_ERR: 7, NOT_FOUND_ERR: 8, NOT_SUPPORTED_ERR: 9, INUSE_ATTRIBUTE_ERR: 10,
  INVALID_STATE_ERR: 11, SYNTAX_ERR: 12, INVALID_MODIFICATION_ERR: 13, NAMESPACE_ERR: 14, INVALID_ACCESS_ERR: 15,
  VALIDATION_ERR: 16, TYPE_MISMATCH_ERR: 17, SECURITY_ERR: 18, NETWORK_ERR: 19, ABORT_ERR: 20, URL_MISMATCH_ERR: 21,
  QUOTA_EXCEEDED_ERR: 22, TIMEOUT_ERR: 23, INVALID_NODE_TYPE_ERR: 24, DATA_CLONE_ERR: 25,
};

let isDOMException;

class DOMException extends Error {
  #name;
  #message;
  #stack;
  static {
    isDOMException = (value) => value !== null && typeof value === "object" && #name in value;
  }
  constructor(message = "", name = "Error") {
    super(String(message));
    this.#message = String(message);
    this.#name = String(name);
    // `message`, `name` and `stack` are accessors on the prototype (as WebIDL and workerd have
    // them), not own data properties.
    delete this.message;
    this.#stack = this.stack;
    delete this.stack;
  }
  static #check(o) {
    if (!isDOMException(o)) throw new TypeError("Illegal invocation");
    return o;
  }
  get name() { return DOMException.#check(this).#name; }
  get message() { return DOMException.#check(this).#message; }
  get code() { return DOM_EXCEPTION_CODES[DOMException.#check(this).#name] ?? 0; }
  get stack() { return DOMException.#check(this).#stack; }
}
for (const [name, value] of Object.entries(DOM_EXCEPTION_CONSTANTS)) {
  Object.defineProperty(DOMException, name, { value, enumerable: true });
  Object.defineProperty(DOMException.prototype, name, { value, enumerable: true });
}

const PHASES = { NONE: 0, CAPTURING_PHASE: 1, AT_TARGET: 2, BUBBLING_PHASE: 3 };

// Set in Event's static block: the dispatch algorithm reaches the event's state through these.
let isEvent;
let eventState;

class Event {
  #s;
  static {
    isEvent = (value) => value !== null && typeof value === "object" && #s in value;
    eventState = (event) => event.#s;
  }
  constructor(type, eventInitDict = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Event': 1 argument required, but only 0 present.");
    if (eventInitDict !== undefined && eventInitDict !== null && typeof eventInitDict !== "object" && typeof eventInitDict !== "function") {
      throw new TypeError("Failed to construct 'Event': The provided value is not of type 'EventInit'.");
    }
    const init = eventInitDict ?? {};
    this.#s = {
      type: String(type), bubbles: Boolean(init.bubbles), cancelable: Boolean(init.cancelable), composed: Boolean(init.composed),
      target: null, currentTarget: null, phase: 0, canceled: false, stop: false, stopImmediate: false,
      dispatching: false, inPassiveListener: false, trusted: false, timeStamp: now() - timeOrigin(),
    };
  }
  static #check(o) {
    if (!isEvent(o)) throw new TypeError("Illegal invocation");
    return o.#s;
  }
  get type() { return Event.#check(this).type; }
  get target() { return Event.#check(this).target; }
  get srcElement() { return Event.#check(this).target; }
  get currentTarget() { return Event.#check(this).currentTarget; }
  composedPath() {
    const s = Event.#check(this);
    return s.currentTarget === null ? [] : [s.currentTarget];
  }
  get eventPhase() { return Event.#check(this).phase; }
  stopPropagation() { Event.#check(this).stop = true; }
  get cancelBubble() { return Event.#check(this).stop; }
  set cancelBubble(value) { if (value) Event.#check(this).stop = true; }
  stopImmediatePropagation() {
    const s = Event.#check(this);
    s.stop = true;
    s.stopImmediate = true;
  }
  get bubbles() { return Event.#check(this).bubbles; }
  get cancelable() { return Event.#check(this).cancelable; }
  get returnValue() { return !Event.#check(this).canceled; }
  set returnValue(value) {
    const s = Event.#check(this);
    if (!value && s.cancelable && !s.inPassiveListener) s.canceled = true;
  }
  preventDefault() {
    const s = Event.#check(this);
    if (s.cancelable && !s.inPassiveListener) s.canceled = true;
  }
  get defaultPrevented() { return Event.#check(this).canceled; }
  get composed() { return Event.#check(this).composed; }
  get isTrusted() { return Event.#check(this).trusted; }
  get timeStamp() { return Event.#check(this).timeStamp; }
  initEvent(type, bubbles = false, cancelable = false) {
    const s = Event.#check(this);
    if (s.dispatching) return;
    Object.assign(s, { type: String(type), bubbles: Boolean(bubbles), cancelable: Boolean(cancelable), stop: false, stopImmediate: false, canceled: false, target: null });
  }
}
for (const [name, value] of Object.entries(PHASES)) {
  Object.defineProperty(Event, name, { value, enumerable: true });
  Object.defineProperty(Event.prototype, name, { value, enumerable: true });
}

class CustomEvent extends Event {
  #detail;
  constructor(type, eventInitDict = undefined) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'CustomEvent': 1 argument required, but only 0 present.");
    super(type, eventInitDict);
    this.#detail = eventInitDict?.detail ?? null;
  }
  get detail() {
    if (this === null || typeof this !== "object" || !(#detail in this)) throw new TypeError("Illegal invocation");
    return this.#detail;
  }
}

class ErrorEvent extends Event {
  #init;
  constructor(type, eventInitDict = undefined) {
    super(type, eventInitDict);
    const init = eventInitDict ?? {};
    this.#init = { message: String(init.message ?? ""), filename: String(init.filename ?? ""), lineno: Number(init.lineno ?? 0) >>> 0, colno: Number(init.colno ?? 0) >>> 0, error: init.error };
  }
  static #check(o) {
    if (o === null || typeof o !== "object" || !(#init in o)) throw new TypeError("Illegal invocation");
    return o.#init;
  }
  get message() { return ErrorEvent.#check(this).message; }
  get filename() { return ErrorEvent.#check(this).filename; }
  get lineno() { return ErrorEvent.#check(this).lineno; }
  get colno() { return ErrorEvent.#check(this).colno; }
  get error() { return ErrorEvent.#check(this).error; }
}

/** An exception thrown by a listener is reported, never passed on (DOM "inner invoke" step 9). */
function reportException(e) {
  hostLog("error", `Uncaught (in event listener) ${e instanceof Error && e.stack ? e.stack : formatLogArg(e)}`);
}

function flattenOptions(options) {
  if (typeof options === "boolean") return { capture: options, once: false, passive: false, signal: undefined };
  if (options === null || options === undefined || (typeof options !== "object" && typeof options !== "function")) {
    return { capture: Boolean(options), once: false, passive: false, signal: undefined };
  }
  const signal = options.signal;
  if (signal !== undefined && !isAbortSignal(signal)) throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': member signal is not of type AbortSignal.");
  return { capture: Boolean(options.capture), once: Boolean(options.once), passive: Boolean(options.passive), signal };
}

let isEventTarget;
let targetListeners;

class EventTarget {
  #listeners = new Map();
  static {
    isEventTarget = (value) => value !== null && typeof value === "object" && #listeners in value;
    targetListeners = (target) => target.#listeners;
  }
  static #check(o) {
    if (!isEventTarget(o)) throw new TypeError("Illegal invocation");
    return o.#listeners;
  }
  addEventListener(type, callback, options = undefined) {
    const map = EventTarget.#check(this);
    const { capture, once, passive, signal } = flattenOptions(options);
    if (callback === null || callback === undefined) return;
    if (typeof callback !== "function" && typeof callback !== "object") throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': The callback provided as parameter 2 is not an object.");
    if (signal !== undefined && signal.aborted) return;
    const key = String(type);
    let list = map.get(key);
    if (list === undefined) map.set(key, (list = []));
    if (list.some((l) => l.callback === callback && l.capture === capture)) return;
    const listener = { callback, capture, once, passive, removed: false };
    list.push(listener);
    if (signal !== undefined) addAbortAlgorithm(signal, () => removeListener(map, key, listener));
  }
  removeEventListener(type, callback, options = undefined) {
    const map = EventTarget.#check(this);
    const capture = typeof options === "boolean" ? options : Boolean(options?.capture);
    const key = String(type);
    const list = map.get(key);
    if (list === undefined) return;
    const listener = list.find((l) => l.callback === callback && l.capture === capture);
    if (listener !== undefined) removeListener(map, key, listener);
  }
  dispatchEvent(event) {
    EventTarget.#check(this);
    if (!isEvent(event)) throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
    const s = eventState(event);
    if (s.dispatching) throw new DOMException("The event is already being dispatched.", "InvalidStateError");
    s.trusted = false;
    return dispatch(this, event);
  }
}

function removeListener(map, key, listener) {
  listener.removed = true;
  const list = map.get(key);
  if (list === undefined) return;
  const i = list.indexOf(listener);
  if (i >= 0) list.splice(i, 1);
}

/** DOM §2.9 "dispatch" for a target without parents; returns false if the event was canceled. */
function dispatch(target, event) {
  const s = eventState(event);
  s.dispatching = true;
  s.target = target;
  s.currentTarget = target;
  s.phase = PHASES.AT_TARGET;
  const map = targetListeners(target);
  const listeners = [...(map.get(s.type) ?? [])];
  // At the target, capture listeners run first, then the others (DOM "invoke" in two phases).
  for (const capturePhase of [true, false]) {
    for (const listener of listeners) {
      if (s.stopImmediate) break;
      if (listener.removed || listener.capture !== capturePhase) continue;
      if (listener.once) removeListener(map, s.type, listener);
      if (listener.passive) s.inPassiveListener = true;
      try {
        const callback = listener.callback;
        if (typeof callback === "function") callback.call(target, event);
        else {
          const handleEvent = callback.handleEvent;
          if (typeof handleEvent !== "function") throw new TypeError("The listener's handleEvent is not a function");
          handleEvent.call(callback, event);
        }
      } catch (e) {
        reportException(e);
      }
      s.inPassiveListener = false;
    }
    if (s.stopImmediate) break;
  }
  s.phase = PHASES.NONE;
  s.currentTarget = null;
  s.dispatching = false;
  s.stop = false;
  s.stopImmediate = false;
  return !s.canceled;
}

/** Fires a new Event of `type` at `target` (DOM "fire an event"), trusted as the platform's own. */
function fireEvent(target, type) {
  const event = new Event(type);
  eventState(event).trusted = true;
  return dispatch(target, event);
}

// --- AbortSignal and AbortController (DOM §3.1-3.2) ------------------------------------------

const INTERNAL = Symbol("internal");
let isAbortSignal;
let signalState;

function abortError() {
  return new DOMException("This operation was aborted", "AbortError");
}

class AbortSignal extends EventTarget {
  #s;
  static {
    isAbortSignal = (value) => value !== null && typeof value === "object" && #s in value;
    signalState = (signal) => signal.#s;
  }
  constructor(key = undefined) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
    super();
    this.#s = { aborted: false, reason: undefined, algorithms: [], onabort: null, dependent: false, sources: [], dependents: [] };
  }
  static abort(reason = undefined) {
    const signal = new AbortSignal(INTERNAL);
    signal.#s.aborted = true;
    signal.#s.reason = reason === undefined ? abortError() : reason;
    return signal;
  }
  static timeout(milliseconds) {
    const ms = Number(milliseconds);
    if (!Number.isFinite(ms) || ms < 0 || ms > Number.MAX_SAFE_INTEGER) throw new TypeError(`AbortSignal.timeout: ${milliseconds} is not a valid number of milliseconds`);
    const signal = new AbortSignal(INTERNAL);
    hostSleep(Math.trunc(ms)).then(() => signalAbort(signal, new DOMException("The operation was aborted due to timeout", "TimeoutError")), () => {});
    return signal;
  }
  static any(signals) {
    if (signals === null || signals === undefined || typeof signals[Symbol.iterator] !== "function") throw new TypeError("AbortSignal.any: the argument must be an iterable of AbortSignal");
    const list = [...signals];
    for (const s of list) if (!isAbortSignal(s)) throw new TypeError("AbortSignal.any: every item must be an AbortSignal");
    // DOM "create a dependent abort signal".
    const result = new AbortSignal(INTERNAL);
    for (const s of list) {
      if (s.#s.aborted) {
        result.#s.aborted = true;
        result.#s.reason = s.#s.reason;
        return result;
      }
    }
    result.#s.dependent = true;
    for (const s of list) {
      const sources = s.#s.dependent ? s.#s.sources : [s];
      for (const source of sources) {
        if (result.#s.sources.includes(source)) continue;
        result.#s.sources.push(source);
        source.#s.dependents.push(result);
      }
    }
    return result;
  }
  static #check(o) {
    if (!isAbortSignal(o)) throw new TypeError("Illegal invocation");
    return o.#s;
  }
  get aborted() { return AbortSignal.#check(this).aborted; }
  get reason() { return AbortSignal.#check(this).reason; }
  throwIfAborted() {
    const s = AbortSignal.#check(this);
    if (s.aborted) throw s.reason;
  }
  get onabort() { return AbortSignal.#check(this).onabort?.handler ?? null; }
  set onabort(handler) {
    const s = AbortSignal.#check(this);
    if (s.onabort !== null) this.removeEventListener("abort", s.onabort.listener);
    s.onabort = null;
    if (typeof handler === "function" || (handler !== null && typeof handler === "object")) {
      const listener = (event) => (typeof handler === "function" ? handler.call(this, event) : undefined);
      s.onabort = { handler, listener };
      this.addEventListener("abort", listener);
    }
  }
}

/** DOM "add" an abort algorithm; returns a function that removes it. */
function addAbortAlgorithm(signal, algorithm) {
  const s = signalState(signal);
  if (s.aborted) return () => {};
  s.algorithms.push(algorithm);
  return () => {
    const i = s.algorithms.indexOf(algorithm);
    if (i >= 0) s.algorithms.splice(i, 1);
  };
}

/** DOM "signal abort". */
function signalAbort(signal, reason = undefined) {
  const s = signalState(signal);
  if (s.aborted) return;
  s.aborted = true;
  s.reason = reason === undefined ? abortError() : reason;
  const dependents = [];
  for (const dependent of s.dependents) {
    const d = signalState(dependent);
    if (!d.aborted) {
      d.aborted = true;
      d.reason = s.reason;
      dependents.push(dependent);
    }
  }
  runAbortSteps(signal);
  for (const dependent of dependents) runAbortSteps(dependent);
}

function runAbortSteps(signal) {
  const s = signalState(signal);
  const algorithms = s.algorithms;
  s.algorithms = [];
  for (const algorithm of algorithms) algorithm();
  fireEvent(signal, "abort");
}

class AbortController {
  #signal = new AbortSignal(INTERNAL);
  static #check(o) {
    if (o === null || typeof o !== "object" || !(#signal in o)) throw new TypeError("Illegal invocation");
    return o.#signal;
  }
  get signal() { return AbortController.#check(this); }
  abort(reason = undefined) { signalAbort(AbortController.#check(this), reason); }
}

return {
  DOMException, Event, EventTarget, CustomEvent, ErrorEvent, AbortController, AbortSignal,
  isDOMException, isEvent, isEventTarget, isAbortSignal, addAbortAlgorithm, signalAbort, dispatch, fireEvent,
};
