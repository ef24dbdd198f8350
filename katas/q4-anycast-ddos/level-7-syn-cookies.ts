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
// Hints: `npm run kata -- hint q4/7`. Grade: `npm run kata -- check q4/7`.
import type { FourTuple } from "../../src/ddos/index.js";
import type { Clock } from "../../src/sim/index.js";
import { NotImplemented } from "../../src/kata/not-implemented.js";

export class SynCookieServer {
  constructor(readonly options: { secret: string; clock: Clock }) {}

  onSyn(tuple: FourTuple, clientMss: number): number {
    // TODO: encode the time slot and a MAC of the 4-tuple into 32 bits; store nothing.
    throw new NotImplemented("SynCookieServer.onSyn");
  }

  onAck(tuple: FourTuple, ackNumber: number): boolean {
    // TODO: recompute the MAC for the recent slots and compare.
    throw new NotImplemented("SynCookieServer.onAck");
  }
}
