// Mutant: MACs the 4-tuple written digit after digit with no separator, so srcIp 1 + srcPort 23 and srcIp 12 + srcPort 3 share every cookie.
import { createHmac } from "node:crypto";
import { SYN_COOKIE_MSS_TABLE, SYN_COOKIE_SLOT_AGE_MAX, SYN_COOKIE_SLOT_MS, type FourTuple } from "../../../src/ddos/index.js";
import type { Clock } from "../../../src/sim/index.js";

export class SynCookieServer {
  readonly #secret: string;
  readonly #clock: Clock;

  constructor(options: { secret: string; clock: Clock }) {
    this.#secret = options.secret;
    this.#clock = options.clock;
  }

  onSyn(tuple: FourTuple, clientMss: number): number {
    const slot = this.#slot();
    let mssIndex = 0;
    for (let i = 0; i < SYN_COOKIE_MSS_TABLE.length; i++) if ((SYN_COOKIE_MSS_TABLE[i] as number) <= clientMss) mssIndex = i;
    // Linux layout: 5 bits of slot, 3 bits of MSS index, 24 bits of MAC. The slot bits let the
    // ACK say which slot to check without the server remembering anything.
    return (((slot & 31) << 27) | (mssIndex << 24) | this.#mac(tuple, slot, mssIndex)) >>> 0;
  }

  onAck(tuple: FourTuple, ackNumber: number): boolean {
    // The client acknowledges ISN + 1; unsigned arithmetic, as sequence numbers wrap.
    const cookie = ((ackNumber >>> 0) - 1) >>> 0;
    const mssIndex = (cookie >>> 24) & 7;
    if (mssIndex >= SYN_COOKIE_MSS_TABLE.length) return false;
    const now = this.#slot();
    for (let age = 0; age <= SYN_COOKIE_SLOT_AGE_MAX; age++) {
      const slot = now - age;
      // The MAC covers the FULL slot number, so an old cookie cannot pass as a new one when
      // the 5 visible bits wrap around.
      if ((slot & 31) === cookie >>> 27) return this.#mac(tuple, slot, mssIndex) === (cookie & 0xffffff);
    }
    return false;
  }

  #slot(): number {
    return Math.floor(this.#clock.nowMs() / SYN_COOKIE_SLOT_MS);
  }

  #mac(t: FourTuple, slot: number, mssIndex: number): number {
    const text = `${t.srcIp >>> 0}${t.srcPort}${t.dstIp >>> 0}${t.dstPort}|${slot}|${mssIndex}`;
    return createHmac("sha256", this.#secret).update(text).digest().readUIntBE(0, 3);
  }
}
