import { createHmac } from "node:crypto";
import { EdgeError } from "../core/errors.js";
import type { Clock } from "../sim/clock.js";

// Linux net/ipv4/syncookies.c: the cookie clock ticks every 60 s (TCP_SYNCOOKIE_PERIOD) …
export const SYN_COOKIE_SLOT_MS = 60_000;
// … and a cookie is accepted up to two ticks old (MAX_SYNCOOKIE_AGE).
export const SYN_COOKIE_SLOT_AGE_MAX = 2;
// Linux msstab for IPv4: the MSS values a cookie can encode (index in 3 bits; 4 used).
export const SYN_COOKIE_MSS_TABLE: readonly number[] = [536, 1300, 1440, 1460];

export interface FourTuple {
  readonly srcIp: number;
  readonly srcPort: number;
  readonly dstIp: number;
  readonly dstPort: number;
}

export type AckVerdict = { readonly ok: true; readonly mss: number } | { readonly ok: false; readonly reason: string };

export interface SynCookieOptions {
  /** HMAC key; every server of a PoP shares it so any of them can validate the ACK. */
  secret: string | Uint8Array;
  clock: Clock;
  /** @defaultValue SYN_COOKIE_SLOT_MS */
  slotMs?: number;
  /** @defaultValue SYN_COOKIE_SLOT_AGE_MAX */
  slotAgeMax?: number;
}

/**
 * Stateless SYN handling (D. J. Bernstein's SYN cookies, RFC 4987 §3.6). The server's initial
 * sequence number is the cookie: 5 bits of time slot, 3 bits of MSS index and 24 bits of a
 * keyed hash over the 4-tuple, the full slot number and the MSS index. A SYN flood therefore
 * fills no table; only a client that really received the SYN-ACK can echo a valid ACK.
 */
export class SynCookies {
  readonly #secret: string | Uint8Array;
  readonly #clock: Clock;
  readonly #slotMs: number;
  readonly #slotAgeMax: number;

  constructor(options: SynCookieOptions) {
    if (options.secret.length < 16)
      throw new EdgeError("DDOS_SYN_COOKIE_SECRET", 500, `SYN cookie secret is ${options.secret.length} bytes; at least 16 needed`);
    this.#secret = options.secret;
    this.#clock = options.clock;
    this.#slotMs = options.slotMs ?? SYN_COOKIE_SLOT_MS;
    this.#slotAgeMax = options.slotAgeMax ?? SYN_COOKIE_SLOT_AGE_MAX;
  }

  // ANCHOR: syn-cookie
  /** The ISN to send in the SYN-ACK. Nothing is stored. */
  cookieFor(tuple: FourTuple, clientMss: number): number {
    const slot = this.#slot();
    let mssIndex = 0;
    for (let i = 0; i < SYN_COOKIE_MSS_TABLE.length; i++) if ((SYN_COOKIE_MSS_TABLE[i] as number) <= clientMss) mssIndex = i;
    return (((slot & 31) << 27) | (mssIndex << 24) | this.#hash(tuple, slot, mssIndex)) >>> 0;
  }

  /** Checks the client's ACK number (cookie + 1) and recovers the MSS it encodes. */
  validateAck(tuple: FourTuple, ackNumber: number): AckVerdict {
    const cookie = ((ackNumber >>> 0) - 1) >>> 0;
    const slotBits = cookie >>> 27;
    const mssIndex = (cookie >>> 24) & 7;
    if (mssIndex >= SYN_COOKIE_MSS_TABLE.length) return { ok: false, reason: "mss index out of range" };
    const now = this.#slot();
    for (let age = 0; age <= this.#slotAgeMax; age++) {
      const slot = now - age;
      if ((slot & 31) !== slotBits) continue;
      if (this.#hash(tuple, slot, mssIndex) === (cookie & 0xffffff))
        return { ok: true, mss: SYN_COOKIE_MSS_TABLE[mssIndex] as number };
      return { ok: false, reason: "cookie does not match this 4-tuple" };
    }
    return { ok: false, reason: `cookie is older than ${this.#slotAgeMax} time slots` };
  }
  // ANCHOR_END: syn-cookie

  #slot(): number {
    return Math.floor(this.#clock.nowMs() / this.#slotMs);
  }

  #hash(t: FourTuple, slot: number, mssIndex: number): number {
    const digest = createHmac("sha256", this.#secret)
      .update(`${t.srcIp >>> 0}:${t.srcPort}>${t.dstIp >>> 0}:${t.dstPort}|${slot}|${mssIndex}`)
      .digest();
    return digest.readUIntBE(0, 3);
  }
}
