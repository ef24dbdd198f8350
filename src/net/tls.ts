import { EdgeError } from "../core/errors.js";
import { fact } from "../facts/index.js";
import type { Clock } from "../sim/clock.js";

// RFC 8446 §4.6.1: servers MUST NOT use a ticket lifetime over seven days.
export const TLS_TICKET_LIFETIME_MS_MAX = fact("tls.ticketLifetimeDaysMax").value * 24 * 3600 * 1000;
// RFC 8446 §8.2 leaves the ClientHello-recording window to the server; 10 s is our choice.
export const ZERO_RTT_REPLAY_WINDOW_MS_DEFAULT = 10_000;
// RFC 8470 §2 and RFC 9110 §9.2.2: only safe, idempotent requests may ride in early data.
export const EARLY_DATA_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD"]);

export type Transport = "tcp" | "quic";
export type AntiReplay = "single-use-tickets" | "client-hello-recording";

export interface SessionTicket {
  readonly id: string;
  readonly sni: string;
  readonly issuedAtMs: number;
}

export interface ClientHello {
  /** Server Name Indication: in the clear in the first flight, before any key exists. */
  readonly sni: string;
  /** ClientHello.random; a replayed hello repeats it byte for byte. */
  readonly random: string;
  readonly psk?: { readonly ticketId: string; readonly ticketAgeMs: number };
  readonly earlyData?: { readonly method: string; readonly path: string };
}

export type EarlyDataRejection = "not-idempotent" | "no-psk" | "unknown-ticket" | "stale-ticket-age" | "replay";

export interface HandshakeOutcome {
  readonly sni: string;
  readonly mode: "full" | "resumed";
  readonly earlyData: "accepted" | "rejected" | "none";
  readonly rejection?: EarlyDataRejection;
  /** A fresh ticket (NewSessionTicket) for the next connection. */
  readonly ticket: SessionTicket;
}

export interface TlsServerOptions {
  clock: Clock;
  /** RFC 8446 §8.1 or §8.2. @defaultValue "single-use-tickets" */
  antiReplay?: AntiReplay;
  /** @defaultValue ZERO_RTT_REPLAY_WINDOW_MS_DEFAULT */
  replayWindowMs?: number;
  /** @defaultValue one day */
  ticketLifetimeMs?: number;
  /** Called with the SNI as soon as the ClientHello arrives, e.g. to pre-warm a worker. */
  onClientHello?: (sni: string) => void;
}

/** The server half of TLS 1.3 resumption and 0-RTT, with RFC 8446 §8 anti-replay. */
export class TlsServer {
  readonly #clock: Clock;
  readonly #antiReplay: AntiReplay;
  readonly #windowMs: number;
  readonly #lifetimeMs: number;
  readonly #onClientHello: ((sni: string) => void) | undefined;
  readonly #tickets = new Map<string, SessionTicket>();
  readonly #seenRandoms = new Map<string, number>();
  #issued = 0;

  constructor(options: TlsServerOptions) {
    this.#clock = options.clock;
    this.#antiReplay = options.antiReplay ?? "single-use-tickets";
    this.#windowMs = options.replayWindowMs ?? ZERO_RTT_REPLAY_WINDOW_MS_DEFAULT;
    this.#lifetimeMs = options.ticketLifetimeMs ?? 24 * 3600 * 1000;
    this.#onClientHello = options.onClientHello;
    if (this.#lifetimeMs > TLS_TICKET_LIFETIME_MS_MAX)
      throw new EdgeError("TLS_TICKET_LIFETIME", 400, `ticket lifetime ${this.#lifetimeMs} ms exceeds ${TLS_TICKET_LIFETIME_MS_MAX} ms`);
  }

  issueTicket(sni: string): SessionTicket {
    const ticket = { id: `t${++this.#issued}`, sni, issuedAtMs: this.#clock.nowMs() };
    this.#tickets.set(ticket.id, ticket);
    return ticket;
  }

  // ANCHOR: zero-rtt
  accept(hello: ClientHello): HandshakeOutcome {
    this.#onClientHello?.(hello.sni);
    const now = this.#clock.nowMs();
    const ticket = hello.psk ? this.#tickets.get(hello.psk.ticketId) : undefined;
    const live = ticket !== undefined && ticket.sni === hello.sni && now - ticket.issuedAtMs <= this.#lifetimeMs;
    // RFC 8446 §8.1: a single-use ticket is deleted on first use, so a replay finds nothing.
    if (live && this.#antiReplay === "single-use-tickets") this.#tickets.delete(ticket.id);
    const mode = live ? "resumed" : "full";
    const rejection = hello.earlyData ? this.#earlyDataRejection(hello, live, now) : undefined;
    const earlyData = !hello.earlyData ? "none" : rejection ? "rejected" : "accepted";
    const outcome = { sni: hello.sni, mode, earlyData, ticket: this.issueTicket(hello.sni) } as const;
    return rejection ? { ...outcome, rejection } : outcome;
  }

  #earlyDataRejection(hello: ClientHello, live: boolean, now: number): EarlyDataRejection | undefined {
    if (!hello.psk) return "no-psk";
    if (!live) return "unknown-ticket";
    if (!EARLY_DATA_METHODS.has(hello.earlyData?.method.toUpperCase() ?? "")) return "not-idempotent";
    if (this.#antiReplay === "single-use-tickets") return undefined;
    const ticket = this.#tickets.get(hello.psk.ticketId) as SessionTicket;
    // RFC 8446 §8.3: the hello must arrive close to issue time + the client's ticket age,
    // otherwise it could be a recording older than the window we remember.
    const expectedArrivalMs = ticket.issuedAtMs + hello.psk.ticketAgeMs;
    if (Math.abs(now - expectedArrivalMs) > this.#windowMs / 2) return "stale-ticket-age";
    for (const [random, seenAtMs] of this.#seenRandoms) if (now - seenAtMs > this.#windowMs) this.#seenRandoms.delete(random);
    if (this.#seenRandoms.has(hello.random)) return "replay";
    this.#seenRandoms.set(hello.random, now);
    return undefined;
  }
  // ANCHOR_END: zero-rtt
}

export interface FirstByteTimeline {
  /** Client-side time from the first packet to the first response byte. */
  readonly rtts: number;
  readonly ms: number;
  /** When the server learns the SNI, in RTTs from the client's first packet. */
  readonly sniAtServerRtts: number;
  /** When the first request byte reaches the server. */
  readonly requestAtServerRtts: number;
}

// ANCHOR: time-to-first-byte
/**
 * Round trips before the first response byte. TCP costs one RTT before TLS can start; TLS 1.3
 * costs one more (RFC 8446 §2); QUIC folds both into one (RFC 9001 §4.1); accepted 0-RTT early
 * data sends the request with the ClientHello. Server think time is left out.
 */
export function timeToFirstByte(transport: Transport, rttMs: number, earlyDataAccepted: boolean): FirstByteTimeline {
  const transportRtts = transport === "tcp" ? 1 : 0;
  const handshakeRtts = earlyDataAccepted ? 0 : 1;
  const rtts = transportRtts + handshakeRtts + 1;
  return { rtts, ms: rtts * rttMs, sniAtServerRtts: transportRtts + 0.5, requestAtServerRtts: rtts - 0.5 };
}
// ANCHOR_END: time-to-first-byte
