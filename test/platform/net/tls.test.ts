import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { VirtualClock } from "../../../src/sim/index.js";
import { TlsServer, timeToFirstByte, type AntiReplay, type ClientHello } from "../../../src/net/index.js";

function resumedHello(server: TlsServer, method: string, random = "r-1"): ClientHello {
  const ticket = server.issueTicket("shop.example");
  return { sni: "shop.example", random, psk: { ticketId: ticket.id, ticketAgeMs: 0 }, earlyData: { method, path: "/" } };
}

describe("timeToFirstByte", () => {
  it("counts TCP + TLS 1.3 + request, and lets QUIC and 0-RTT remove round trips", () => {
    expect(timeToFirstByte("tcp", 40, false)).toMatchObject({ rtts: 3, ms: 120 });
    expect(timeToFirstByte("tcp", 40, true)).toMatchObject({ rtts: 2, ms: 80 });
    expect(timeToFirstByte("quic", 40, false)).toMatchObject({ rtts: 2, ms: 80 });
    expect(timeToFirstByte("quic", 40, true)).toMatchObject({ rtts: 1, ms: 40 });
  });

  it("reveals the SNI a full round trip before the request on a full handshake (time to pre-warm)", () => {
    for (const transport of ["tcp", "quic"] as const) {
      const full = timeToFirstByte(transport, 10, false);
      expect(full.requestAtServerRtts - full.sniAtServerRtts).toBe(1);
      const early = timeToFirstByte(transport, 10, true);
      expect(early.requestAtServerRtts).toBe(early.sniAtServerRtts);
    }
  });
});

describe("TlsServer", () => {
  for (const antiReplay of ["single-use-tickets", "client-hello-recording"] as AntiReplay[]) {
    it(`${antiReplay}: accepts early data only for GET and HEAD`, () => {
      fc.assert(
        fc.property(fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get"), (method) => {
          const server = new TlsServer({ clock: new VirtualClock(), antiReplay });
          const outcome = server.accept(resumedHello(server, method));
          expect(outcome.mode).toBe("resumed");
          const idempotent = ["GET", "HEAD"].includes(method.toUpperCase());
          expect(outcome.earlyData).toBe(idempotent ? "accepted" : "rejected");
          if (!idempotent) expect(outcome.rejection).toBe("not-idempotent");
        }),
        { numRuns: 30 },
      );
    });

    it(`${antiReplay}: rejects a replayed ClientHello's early data`, () => {
      const clock = new VirtualClock();
      const server = new TlsServer({ clock, antiReplay });
      const hello = resumedHello(server, "GET");
      expect(server.accept(hello).earlyData).toBe("accepted");
      clock.advanceMs(1);
      const replay = server.accept(hello);
      expect(replay.earlyData).toBe("rejected");
      expect(replay.rejection).toBe(antiReplay === "single-use-tickets" ? "unknown-ticket" : "replay");
    });
  }

  it("client-hello-recording: reuses a ticket for a fresh hello but refuses a stale ticket age", () => {
    const clock = new VirtualClock();
    const server = new TlsServer({ clock, antiReplay: "client-hello-recording", replayWindowMs: 10_000 });
    const hello = resumedHello(server, "GET", "a");
    expect(server.accept(hello).earlyData).toBe("accepted");
    expect(server.accept({ ...hello, random: "b" }).earlyData).toBe("accepted");
    // A recording replayed 30 s later claims the old ticket age: outside the window.
    clock.advanceMs(30_000);
    const late = server.accept({ ...hello, random: "c" });
    expect(late.rejection).toBe("stale-ticket-age");
    // An honest client reports the real age and is accepted.
    expect(server.accept({ ...hello, random: "d", psk: { ticketId: hello.psk!.ticketId, ticketAgeMs: 30_000 } }).earlyData).toBe("accepted");
  });

  it("falls back to a full handshake without a valid ticket, and sees the SNI first", () => {
    const seen: string[] = [];
    const server = new TlsServer({ clock: new VirtualClock(), onClientHello: (sni) => seen.push(sni) });
    const outcome = server.accept({ sni: "api.example", random: "x", psk: { ticketId: "forged", ticketAgeMs: 0 }, earlyData: { method: "GET", path: "/" } });
    expect(outcome).toMatchObject({ mode: "full", earlyData: "rejected", rejection: "unknown-ticket" });
    expect(server.accept({ sni: "api.example", random: "y" })).toMatchObject({ mode: "full", earlyData: "none" });
    expect(seen).toEqual(["api.example", "api.example"]);
  });

  it("refuses a ticket lifetime above seven days", () => {
    expect(() => new TlsServer({ clock: new VirtualClock(), ticketLifetimeMs: 8 * 24 * 3600 * 1000 })).toThrow(
      expect.objectContaining({ code: "TLS_TICKET_LIFETIME" }),
    );
  });
});
