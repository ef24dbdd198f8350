import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { SYN_COOKIE_SLOT_AGE_MAX, SYN_COOKIE_SLOT_MS, type FourTuple } from "../../../src/ddos/index.js";
import { VirtualClock, type Clock } from "../../../src/sim/index.js";

interface Server {
  onSyn(tuple: FourTuple, clientMss: number): number;
  onAck(tuple: FourTuple, ackNumber: number): boolean;
}
type Make = (options: { secret: string; clock: Clock }) => Server;

const SECRET = "q4-level-7-secret-0123456789";

const tupleArb = fc.record({
  srcIp: fc.oneof(fc.constantFrom(0, 0x7fffffff, 0x80000000, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff })),
  srcPort: fc.integer({ min: 0, max: 65535 }),
  dstIp: fc.oneof(fc.constantFrom(0xc6336401, 0xc6336402, 0x01020304), fc.integer({ min: 0, max: 0xffffffff })),
  dstPort: fc.oneof(fc.constantFrom(80, 443, 0, 65535), fc.integer({ min: 0, max: 65535 })),
});

/**
 * Times near slot boundaries, where "how old is this cookie" flips: early slots, and slots of
 * a clock that reads Unix time (about 29 million slots since 1970).
 */
const slot = SYN_COOKIE_SLOT_MS;
const edgeTimeArb = fc
  .tuple(fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 29_000_000, max: 29_500_000 })), fc.constantFrom(0, 1, slot - 1, slot / 2))
  .map(([k, offset]) => k * slot + offset);

/**
 * Secrets a server may be given. (Not "k" and "k\u0000": HMAC pads its key with zero bytes, so
 * those two are the same HMAC key by design.)
 */
const SECRETS = [SECRET, `${SECRET}x`, "", "__proto__", "s3cr3t", "秘密"];

/**
 * Two 4-tuples whose numbers read the same when written one after the other with no separator
 * (srcIp 1, srcPort 23 and srcIp 12, srcPort 3): a MAC over such a string cannot tell them apart.
 */
const concatTwinsArb = fc
  .tuple(tupleArb, fc.boolean(), fc.nat())
  .map(([t, src, cut]) => {
    const [ipField, portField] = src ? (["srcIp", "srcPort"] as const) : (["dstIp", "dstPort"] as const);
    const digits = `${t[ipField]}${t[portField]}`;
    const splits: FourTuple[] = [];
    for (let i = 1; i < digits.length; i++) {
      const ip = digits.slice(0, i);
      const port = digits.slice(i);
      if ((port.length > 1 && port.startsWith("0")) || (ip.length > 1 && ip.startsWith("0"))) continue;
      if (Number(ip) > 0xffffffff || Number(port) > 65535 || Number(ip) === t[ipField]) continue;
      splits.push({ ...t, [ipField]: Number(ip), [portField]: Number(port) });
    }
    return [t, splits.length > 0 ? (splits[cut % splits.length] as FourTuple) : undefined] as const;
  })
  .filter((pair): pair is readonly [FourTuple, FourTuple] => pair[1] !== undefined);
const ageArb = fc.oneof(fc.constantFrom(0, 1, slot - 1, slot, 2 * slot, 3 * slot - 1, 3 * slot, 32 * slot), fc.integer({ min: 0, max: 40 * slot }));

/** One field changed: an ACK replayed from another connection or with a rewritten port. */
const otherTupleArb = fc.tuple(tupleArb, fc.constantFrom("srcIp", "srcPort", "dstIp", "dstPort"), fc.integer({ min: 1, max: 1000 })).map(([t, field, delta]) => {
  const value = field.endsWith("Port") ? (t[field] + delta) % 65536 : (t[field] + delta) >>> 0;
  const other: FourTuple = { ...t, [field]: value };
  return [t, other] as const;
});

export const suite = defineLevel<Make>({
  kata: "q4-anycast-ddos",
  level: 7,
  load: (m) => {
    const Ctor = requireExport<new (o: { secret: string; clock: Clock }) => Server>(m, "SynCookieServer", "class");
    return (options) => new Ctor(options);
  },
  probe: (make) => make({ secret: SECRET, clock: new VirtualClock(0) }).onSyn({ srcIp: 1, srcPort: 2, dstIp: 3, dstPort: 4 }, 1460),
  properties: [
    {
      name: "keeps no state: a fresh server with the same secret accepts the ACK of a SYN it never saw",
      run: (make, ctx) =>
        check(
          fc.property(tupleArb, fc.integer({ min: 536, max: 9000 }), edgeTimeArb, (tuple, mss, startMs) => {
            const clock = new VirtualClock(startMs);
            const cookie = make({ secret: SECRET, clock }).onSyn(tuple, mss);
            if (!Number.isInteger(cookie) || cookie < 0 || cookie > 0xffffffff) throw new Error(`cookie ${cookie} is not an unsigned 32-bit number`);
            if (!make({ secret: SECRET, clock }).onAck(tuple, (cookie + 1) >>> 0)) throw new Error("another server with the same secret rejected a genuine ACK");
          }),
          ctx,
          { numRuns: 150 },
        ),
    },
    {
      name: `accepts a genuine ACK up to ${SYN_COOKIE_SLOT_AGE_MAX} time slots old and rejects it after`,
      run: (make, ctx) =>
        check(
          fc.property(tupleArb, edgeTimeArb, ageArb, (tuple, startMs, ageMs) => {
            const clock = new VirtualClock(startMs);
            const server = make({ secret: SECRET, clock });
            const cookie = server.onSyn(tuple, 1460);
            clock.advanceMs(ageMs);
            const slots = Math.floor((startMs + ageMs) / slot) - Math.floor(startMs / slot);
            const expected = slots <= SYN_COOKIE_SLOT_AGE_MAX;
            if (server.onAck(tuple, (cookie + 1) >>> 0) !== expected)
              throw new Error(`ACK ${slots} slot(s) after the SYN (${startMs} ms → ${startMs + ageMs} ms) was ${expected ? "rejected" : "accepted"}`);
            if (server.onAck(tuple, cookie)) throw new Error("accepted the cookie itself as the ACK number; the client acknowledges cookie + 1");
          }),
          ctx,
          { numRuns: 250 },
        ),
    },
    {
      name: "rejects a cookie echoed for another 4-tuple and a guessed ACK number",
      run: (make, ctx) =>
        check(
          fc.property(otherTupleArb, fc.integer({ min: 0, max: 0xffffffff }), edgeTimeArb, ([tuple, other], guess, startMs) => {
            const server = make({ secret: SECRET, clock: new VirtualClock(startMs) });
            const cookie = server.onSyn(tuple, 1460);
            if (server.onAck(other, (cookie + 1) >>> 0)) throw new Error(`a cookie for ${JSON.stringify(tuple)} was accepted from ${JSON.stringify(other)}`);
            if (guess !== ((cookie + 1) >>> 0) && server.onAck(tuple, guess)) throw new Error(`a guessed ACK number ${guess} was accepted`);
          }),
          ctx,
          { numRuns: 150 },
        ),
    },
    {
      name: "a cookie is keyed: a server with another secret (\"\", `__proto__`, non-ASCII) rejects it, and 4-tuples whose numbers concatenate alike get different cookies",
      run: (make, ctx) =>
        check(
          fc.property(fc.constantFrom(...SECRETS), fc.constantFrom(...SECRETS), concatTwinsArb, edgeTimeArb, (secret, other, [tuple, twin], startMs) => {
            const clock = new VirtualClock(startMs);
            const server = make({ secret, clock });
            const cookie = server.onSyn(tuple, 1460);
            if (other !== secret && make({ secret: other, clock }).onAck(tuple, (cookie + 1) >>> 0))
              throw new Error(`a server with secret ${JSON.stringify(other)} accepted a cookie made with ${JSON.stringify(secret)}: the cookie does not depend on the secret`);
            if (server.onAck(twin, (cookie + 1) >>> 0)) throw new Error(`a cookie for ${JSON.stringify(tuple)} was accepted from ${JSON.stringify(twin)}, whose numbers concatenate to the same digits`);
          }),
          ctx,
          { numRuns: 100 },
        ),
    },
  ],
});
