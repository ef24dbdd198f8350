import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { VirtualClock } from "../../../src/sim/index.js";
import { SYN_COOKIE_SLOT_MS, SynCookies, type FourTuple } from "../../../src/ddos/index.js";

const SECRET = "a-secret-of-at-least-16-bytes";
const tupleArb = fc.record({
  srcIp: fc.integer({ min: 0, max: 0xffffffff }),
  srcPort: fc.integer({ min: 0, max: 65535 }),
  dstIp: fc.integer({ min: 0, max: 0xffffffff }),
  dstPort: fc.integer({ min: 0, max: 65535 }),
});

describe("SynCookies", () => {
  it("accepts the ACK of a genuine handshake, even on another server sharing the secret", () => {
    fc.assert(
      fc.property(tupleArb, fc.integer({ min: 536, max: 9000 }), fc.integer({ min: 0, max: 1e9 }), (tuple, mss, startMs) => {
        const clock = new VirtualClock(startMs);
        const cookie = new SynCookies({ secret: SECRET, clock }).cookieFor(tuple, mss);
        clock.advanceMs(SYN_COOKIE_SLOT_MS);
        // A fresh instance holds no state from the SYN: the cookie alone carries it.
        const verdict = new SynCookies({ secret: SECRET, clock }).validateAck(tuple, (cookie + 1) >>> 0);
        expect(verdict.ok).toBe(true);
        if (verdict.ok) expect(verdict.mss).toBeLessThanOrEqual(Math.max(mss, 536));
      }),
      { numRuns: 100 },
    );
  });

  it("rejects a cookie echoed for a different 4-tuple", () => {
    fc.assert(
      fc.property(tupleArb, tupleArb, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        const cookies = new SynCookies({ secret: SECRET, clock: new VirtualClock() });
        expect(cookies.validateAck(b, (cookies.cookieFor(a, 1460) + 1) >>> 0).ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it("rejects a cookie outside its time slots and one made with another secret", () => {
    const clock = new VirtualClock();
    const cookies = new SynCookies({ secret: SECRET, clock });
    const tuple: FourTuple = { srcIp: 1, srcPort: 2, dstIp: 3, dstPort: 443 };
    const ack = (cookies.cookieFor(tuple, 1460) + 1) >>> 0;
    clock.advanceMs(3 * SYN_COOKIE_SLOT_MS);
    expect(cookies.validateAck(tuple, ack)).toMatchObject({ ok: false });
    const other = new SynCookies({ secret: "another-secret-of-16-bytes", clock });
    expect(other.validateAck(tuple, (cookies.cookieFor(tuple, 1460) + 1) >>> 0).ok).toBe(false);
    // 32 slots later the 5-bit slot field wraps around; the hash over the full slot still refuses.
    const old = (cookies.cookieFor(tuple, 1460) + 1) >>> 0;
    clock.advanceMs(32 * SYN_COOKIE_SLOT_MS);
    expect(cookies.validateAck(tuple, old).ok).toBe(false);
  });

  it("encodes the largest supported MSS not above the client's", () => {
    const cookies = new SynCookies({ secret: SECRET, clock: new VirtualClock() });
    const tuple: FourTuple = { srcIp: 10, srcPort: 20, dstIp: 30, dstPort: 80 };
    expect(cookies.validateAck(tuple, cookies.cookieFor(tuple, 1460) + 1)).toEqual({ ok: true, mss: 1460 });
    expect(cookies.validateAck(tuple, cookies.cookieFor(tuple, 1400) + 1)).toEqual({ ok: true, mss: 1300 });
    expect(() => new SynCookies({ secret: "short", clock: new VirtualClock() })).toThrow(expect.objectContaining({ code: "DDOS_SYN_COOKIE_SECRET" }));
  });
});
