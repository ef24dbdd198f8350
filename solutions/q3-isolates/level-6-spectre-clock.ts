// Q3 · level 6 · Spectre timers
// Spectre-style attacks need a fine clock: time a memory access, learn whether it hit the
// cache, read another tenant's secret one bit at a time. An attacker can build that clock
// from `Date.now()`, or from a counter in a loop that shares memory with another thread.
// Cloudflare Workers freeze time instead: `Date.now()` returns the time of the last I/O and
// does not move while code runs, and there is no SharedArrayBuffer or multithreading
// ("Mitigating Spectre and Other Security Threats: The Cloudflare Workers Security Model", 2020).
//
// Implement `SpectreClock`:
// - `new SpectreClock(realNowMs)`: the request's arrival is the first I/O.
// - `onIo(realNowMs)`: an I/O event completed (a subrequest returned, a body chunk arrived);
//   the host passes the real time.
// - `now()`: what the worker sees as `Date.now()`. Two reads with no I/O in between are equal,
//   however long the code between them ran; time never decreases, even when the host's real
//   clock steps backwards (NTP); and after each I/O it is the highest real time passed in so
//   far (by the constructor or any `onIo`), exactly as passed: fractions of a millisecond are
//   kept, nothing is rounded or coarsened (an I/O that reports an earlier time changes nothing).
//   Each request has its own clock; clocks never share state.
// Constraints: read no clock of your own; the host tells you the time at each I/O.

export class SpectreClock {
  #lastIoMs: number;

  constructor(realNowMs: number) {
    this.#lastIoMs = realNowMs;
  }

  onIo(realNowMs: number): void {
    // max, not assignment: a real clock stepped back by NTP must not make time run backwards
    // for the worker (code that measures durations would see negative ones).
    this.#lastIoMs = Math.max(this.#lastIoMs, realNowMs);
  }

  now(): number {
    // Nothing here reads a clock: between two I/O events every read is identical, so a
    // synchronous code path has no measurable duration.
    return this.#lastIoMs;
  }
}
