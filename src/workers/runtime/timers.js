// In-isolate fragment: setTimeout/setInterval. The wait happens on the host (`sleep`), so
// time inside the isolate advances only when a timer fires, like any other I/O.

let nextTimerId = 1;
const liveTimers = new Set();

function runTimer(fn, args) {
  try {
    fn(...args);
  } catch (e) {
    hostLogCb("error", `Uncaught (in timer) ${e instanceof Error && e.stack ? e.stack : formatLogArg(e)}`);
  }
}

function hostSleep(ms) {
  return callHost("sleep", [Math.max(0, Number(ms) || 0)]);
}

function setTimeout(fn, ms = 0, ...args) {
  if (typeof fn !== "function") throw new TypeError("setTimeout: the callback must be a function");
  const id = nextTimerId++;
  liveTimers.add(id);
  hostSleep(ms).then(() => { if (liveTimers.delete(id)) runTimer(fn, args); }, () => liveTimers.delete(id));
  return id;
}

function setInterval(fn, ms = 0, ...args) {
  if (typeof fn !== "function") throw new TypeError("setInterval: the callback must be a function");
  const id = nextTimerId++;
  liveTimers.add(id);
  const tick = () => hostSleep(ms).then(() => {
    if (!liveTimers.has(id)) return;
    runTimer(fn, args);
    tick();
  }, () => liveTimers.delete(id));
  tick();
  return id;
}

function clearTimer(id) {
  liveTimers.delete(id);
}

defineGlobal("setTimeout", setTimeout);
defineGlobal("setInterval", setInterval);
defineGlobal("clearTimeout", clearTimer);
defineGlobal("clearInterval", clearTimer);
