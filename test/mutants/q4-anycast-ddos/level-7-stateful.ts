// Mutant: the server remembers each SYN's cookie in a table (the half-open state SYN cookies
// exist to avoid), so a SYN flood fills memory and another server cannot validate the ACK.
import type { FourTuple } from "../../../src/ddos/index.js";
import type { Clock } from "../../../src/sim/index.js";

export class SynCookieServer {
  readonly #pending = new Map<string, { cookie: number; atMs: number }>();
  #next = 0x1234;

  constructor(readonly options: { secret: string; clock: Clock }) {}

  onSyn(tuple: FourTuple, _clientMss: number): number {
    const cookie = (this.#next = (Math.imul(this.#next, 1103515245) + 12345) >>> 0);
    this.#pending.set(JSON.stringify(tuple), { cookie, atMs: this.options.clock.nowMs() });
    return cookie;
  }

  onAck(tuple: FourTuple, ackNumber: number): boolean {
    const entry = this.#pending.get(JSON.stringify(tuple));
    if (!entry || ((entry.cookie + 1) >>> 0) !== ackNumber >>> 0) return false;
    return Math.floor(this.options.clock.nowMs() / 60_000) - Math.floor(entry.atMs / 60_000) <= 2;
  }
}
