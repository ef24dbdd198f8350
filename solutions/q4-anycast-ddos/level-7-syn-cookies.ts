// Q4 · level 7 · SYN cookies
// A SYN flood does not need bandwidth: each spoofed SYN makes a classic TCP server allocate a
// half-open connection and wait for an ACK that never comes, until the table is full and real
// clients are refused. SYN cookies (D. J. Bernstein, RFC 4987 §3.6) keep NO state: the
// server's initial sequence number IS the state — a keyed hash of the 4-tuple and a coarse
// time slot — and only a client that received the SYN-ACK can echo it back as ACK − 1.
//
// Implement `SynCookieServer({ secret, clock })`:
// - `onSyn(tuple, clientMss)` returns the ISN (an unsigned 32-bit cookie) for the SYN-ACK and
//   stores nothing: another instance with the same secret must accept the ACK;
// - `onAck(tuple, ackNumber)` is true iff `ackNumber` is (cookie + 1) mod 2^32 for a cookie
//   issued to THIS 4-tuple in the current time slot or up to SYN_COOKIE_SLOT_AGE_MAX (2) slots
//   before it; slots are SYN_COOKIE_SLOT_MS (60 s) long, numbered floor(nowMs / slot). The
//   clock may read Unix time (slot numbers near 29 million) or start at 0.
// The cookie depends on the secret (any string, "" included: a server with another secret
// rejects it) and on every field of the 4-tuple — two tuples whose numbers read alike when
// written one after the other (srcIp 1 + srcPort 23, srcIp 12 + srcPort 3) are different
// connections. Addresses and ports take every value, 0, 65535 and addresses ≥ 2^31 included.
// Constraints: read time only from `clock`; use an HMAC (node:crypto), not a plain hash: a
// cookie an attacker can compute is no cookie.
import { createHmac } from "node:crypto";
import { SYN_COOKIE_MSS_TABLE, SYN_COOKIE_SLOT_AGE_MAX, SYN_COOKIE_SLOT_MS, type FourTuple } from "../../src/ddos/index.js";
import type { Clock } from "../../src/sim/index.js";

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
    const text = `${t.srcIp >>> 0}:${t.srcPort}>${t.dstIp >>> 0}:${t.dstPort}|${slot}|${mssIndex}`;
    return createHmac("sha256", this.#secret).update(text).digest().readUIntBE(0, 3);
  }
}
