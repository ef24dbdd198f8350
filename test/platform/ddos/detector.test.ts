import { describe, expect, it } from "vitest";
import { Rng, VirtualClock } from "../../../src/sim/index.js";
import { DdosDetector, makePacket, parseFilter, parseIpv4, shapeSignature, type Packet } from "../../../src/ddos/index.js";
import { parseIp } from "../../../src/core/ip-address.js";

const VICTIM = parseIpv4("198.51.100.7");

function legitPacket(rng: Rng): Packet {
  const protocol = rng.pick(["tcp", "tcp", "udp", "icmp"] as const);
  return makePacket({
    protocol,
    srcIp: rng.nextU32(),
    dstIp: VICTIM + rng.int(0, 7),
    srcPort: rng.int(1024, 65535),
    dstPort: rng.pick([53, 80, 443, 8080, 123]),
    sizeBytes: rng.int(40, 1500),
    flags: { syn: rng.bool(0.1), ack: rng.bool(0.9), fin: rng.bool(0.05), rst: false, psh: rng.bool(0.3) },
  });
}

function attackPacket(rng: Rng): Packet {
  return makePacket({ protocol: "udp", srcIp: rng.nextU32(), dstIp: VICTIM, srcPort: 53, dstPort: 53, sizeBytes: rng.int(1100, 1400) });
}

describe("DdosDetector", () => {
  it("writes a drop rule for the flood's signature that spares every packet outside it", () => {
    const clock = new VirtualClock();
    const rng = new Rng(7);
    const detector = new DdosDetector({ clock, rng: rng.fork("detector"), packetsPerWindowThreshold: 500, quietMsToExpire: 10_000 });
    const attackSignature = shapeSignature(attackPacket(rng));
    let attackPassedAfterRule = 0;
    let legitChecked = 0;
    for (let ms = 0; ms < 3000; ms++) {
      clock.advanceMs(1);
      for (let i = 0; i < 5; i++) {
        const verdict = detector.observe(attackPacket(rng));
        if (detector.rules().length > 0 && verdict === "pass") attackPassedAfterRule++;
      }
      const legit = legitPacket(rng);
      const verdict = detector.observe(legit);
      if (detector.rules().length > 0) {
        legitChecked++;
        expect(verdict === "drop").toBe(shapeSignature(legit) === attackSignature);
      }
    }
    const rules = detector.rules();
    expect(rules.map((r) => r.signature)).toEqual([attackSignature]);
    expect(attackPassedAfterRule).toBe(0);
    expect(legitChecked).toBeGreaterThan(2000);
    expect(() => parseFilter(rules[0]!.expression)).not.toThrow();
    expect(rules[0]!.expression).toContain("udp.dstport == 53");
    expect(rules[0]!.expression).toContain("ip.len >= 1024 and ip.len < 2048");
  });

  it("removes the rule after the attack has been quiet long enough", () => {
    const clock = new VirtualClock();
    const rng = new Rng(8);
    const detector = new DdosDetector({ clock, rng, packetsPerWindowThreshold: 100, quietMsToExpire: 5_000 });
    for (let ms = 0; ms < 1000; ms++) {
      clock.advanceMs(1);
      detector.observe(attackPacket(rng));
    }
    expect(detector.rules()).toHaveLength(1);
    clock.advanceMs(4_000);
    expect(detector.observe(attackPacket(rng))).toBe("drop");
    clock.advanceMs(5_001);
    expect(detector.rules()).toHaveLength(0);
    expect(detector.observe(attackPacket(rng))).toBe("pass");
  });

  it("blocks a single noisy /24 by source when its packets vary in shape", () => {
    const clock = new VirtualClock();
    const rng = new Rng(9);
    const detector = new DdosDetector({ clock, rng, packetsPerWindowThreshold: 200 });
    const base = parseIpv4("203.0.113.0");
    for (let i = 0; i < 400; i++) {
      detector.observe({ ...legitPacket(rng), srcIp: base + rng.int(0, 255) });
    }
    expect(detector.rules().map((r) => r.expression)).toEqual(["ip.src in 203.0.113.0/24"]);
    expect(detector.observe({ ...legitPacket(rng), srcIp: base + 1 })).toBe("drop");
    expect(detector.observe({ ...legitPacket(rng), srcIp: parseIpv4("203.0.114.1") })).toBe("pass");
  });

  it("blocks a noisy IPv6 /48 by source, and an IPv6 victim's flood by shape", () => {
    const clock = new VirtualClock();
    const rng = new Rng(10);
    const detector = new DdosDetector({ clock, rng, packetsPerWindowThreshold: 200 });
    const address = (text: string): Uint8Array => parseIp(text) as Uint8Array;
    const from = (src: Uint8Array, packet: Packet): Packet => ({ ...packet, srcIp: 0, dstIp: 0, ipv6: { src, dst: address("2001:db8::7") } });
    for (let i = 0; i < 400; i++) detector.observe(from(address(`2001:db8:bad:${rng.int(0, 0xffff).toString(16)}::${rng.int(1, 0xffff).toString(16)}`), legitPacket(rng)));
    expect(detector.rules().map((r) => r.expression)).toEqual(["ipv6.src in 2001:db8:bad::/48"]);
    expect(detector.observe(from(address("2001:db8:bad:ffff::1"), legitPacket(rng)))).toBe("drop");
    expect(detector.observe(from(address("2001:db8:bae::1"), legitPacket(rng)))).toBe("pass");
    // An IPv4 client with the same low bits is another family: untouched.
    expect(detector.observe(legitPacket(rng))).toBe("pass");

    const flood = new DdosDetector({ clock, rng: new Rng(11), packetsPerWindowThreshold: 200 });
    for (let i = 0; i < 400; i++) flood.observe(from(address(`2001:db8:${i.toString(16)}::1`), attackPacket(rng)));
    const shape = flood.rules().find((r) => r.signature.startsWith("shape|"));
    expect(shape?.expression).toMatch(/^ipv6\.dst == 2001:db8::7 and ip\.proto == udp and udp\.dstport == 53 /);
  });
});
