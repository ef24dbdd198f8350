// Lazy runtime module: the Workers platform globals that are not classes of a standard:
// `navigator` (Cloudflare's: userAgent "Cloudflare-Workers"), `scheduler.wait`, and the global
// scope's own event target (`addEventListener`, `dispatchEvent`, `reportError`).

const { hostSleep, hostLog, formatLogArg, lazyModule } = rt;
const events = lazyModule("events");

const INTERNAL = Symbol("internal");

class Navigator {
  constructor(key = undefined) {
    if (key !== INTERNAL) throw new TypeError("Illegal constructor");
  }
  get userAgent() { return "Cloudflare-Workers"; }
  // workerd reports one: a worker's code runs on one thread at a time.
  get hardwareConcurrency() { return 1; }
  get language() { return "en"; }
  get languages() { return ["en"]; }
  get platform() { return ""; }
  /** Sends `body` to `url` in the background (a POST nobody waits for); true once queued. */
  sendBeacon(url, body = undefined) {
    const request = new Request(String(url), { method: "POST", body: body === undefined ? null : body });
    fetch(request).then((r) => r.body?.cancel(), () => {});
    return true;
  }
}

const navigator = new Navigator(INTERNAL);

const scheduler = Object.freeze({
  /** Resolves after `delay` ms (as setTimeout, with a promise); rejects if `signal` aborts first. */
  wait(delay = 0, options = undefined) {
    const signal = options?.signal;
    if (signal !== undefined && !events.isAbortSignal(signal)) return Promise.reject(new TypeError("scheduler.wait: options.signal must be an AbortSignal"));
    if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const remove = signal === undefined ? () => {} : events.addAbortAlgorithm(signal, () => reject(signal.reason));
      hostSleep(Math.max(0, Number(delay) || 0)).then(() => {
        remove();
        resolve();
      }, reject);
    });
  },
});

// The global scope is an EventTarget in workerd (`addEventListener("unhandledrejection", …)`).
// Module workers receive their requests through the default export, so a "fetch" or
// "scheduled" listener here is never called: the runtime says so instead of ignoring it.
const globalTarget = new events.EventTarget();
function addEventListener(type, listener, options = undefined) {
  if (type === "fetch" || type === "scheduled") {
    throw new TypeError(`addEventListener("${type}") is the service-worker syntax, which this runtime does not run: export a ${type} handler from the module's default export instead.`);
  }
  globalTarget.addEventListener(type, listener, options);
}
function removeEventListener(type, listener, options = undefined) {
  globalTarget.removeEventListener(type, listener, options);
}
function dispatchEvent(event) {
  return globalTarget.dispatchEvent(event);
}

/** HTML "report an exception": an "error" event at the global scope, then the console if nobody cancelled it. */
function reportError(error) {
  const message = error instanceof Error ? error.message : formatLogArg(error);
  const event = new events.ErrorEvent("error", { message, error, cancelable: true });
  if (events.dispatch(globalTarget, event)) hostLog("error", `Uncaught ${error instanceof Error && error.stack ? error.stack : formatLogArg(error)}`);
}

return { navigator, Navigator, scheduler, addEventListener, removeEventListener, dispatchEvent, reportError };
