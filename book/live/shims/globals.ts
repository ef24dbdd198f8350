// esbuild `inject`: the Node globals the bundled platform code uses, for the browser.
// A bare `Buffer` is the `buffer` package's.
export { Buffer } from "buffer";

// `setImmediate` (Simulation.runAsync lets microtasks drain with it): a message on a channel
// is a task that runs after the microtasks, as setImmediate does, without setTimeout's clamp.
const queue: Array<() => void> = [];
const channel = new MessageChannel();
channel.port1.onmessage = () => queue.shift()?.();

export function setImmediate(fn: () => void): void {
  queue.push(fn);
  channel.port2.postMessage(null);
}
