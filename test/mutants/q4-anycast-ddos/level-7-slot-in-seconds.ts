// Mutant: converts the clock to seconds before dividing by SYN_COOKIE_SLOT_MS (a ms constant), so a slot lasts 60 000 s: an ACK 10 minutes after its SYN (10 slots) is still accepted. (blind)
import { createHmac } from "node:crypto";
import { SYN_COOKIE_SLOT_AGE_MAX, SYN_COOKIE_SLOT_MS, type FourTuple } from "../../../src/ddos/index.js";
import type { Clock } from "../../../src/sim/index.js";

const MSS_TABLE = [536, 1300, 1440, 1460];

export class SynCookieServer {
  constructor(readonly options: { secret: string; clock: Clock }) {}

  #slot(): number {
    const nowSec = Math.floor(this.options.clock.nowMs() / 1000);
    return Math.floor(nowSec / SYN_COOKIE_SLOT_MS);
  }

  #mac(t: FourTuple, slot: number, mssIndex: number): number {
    const digest = createHmac("sha256", this.options.secret)
      .update(`${t.srcIp >>> 0}:${t.srcPort}|${t.dstIp >>> 0}:${t.dstPort}|${slot}|${mssIndex}`)
      .digest();
    return digest.readUIntBE(0, 3);
  }

  onSyn(tuple: FourTuple, clientMss: number): number {
    const slot = this.#slot();
    let mssIndex = 0;
    for (let i = 0; i < MSS_TABLE.length; i++) if ((MSS_TABLE[i] as number) <= clientMss) mssIndex = i;
    return (((slot & 31) << 27) | (mssIndex << 24) | this.#mac(tuple, slot, mssIndex)) >>> 0;
  }

  onAck(tuple: FourTuple, ackNumber: number): boolean {
    const cookie = ((ackNumber >>> 0) - 1) >>> 0;
    const slotBits = cookie >>> 27;
    const mssIndex = (cookie >>> 24) & 7;
    if (mssIndex >= MSS_TABLE.length) return false;
    const now = this.#slot();
    for (let age = 0; age <= SYN_COOKIE_SLOT_AGE_MAX; age++) {
      const slot = now - age;
      if ((slot & 31) !== slotBits) continue;
      return this.#mac(tuple, slot, mssIndex) === (cookie & 0xffffff);
    }
    return false;
  }
}
