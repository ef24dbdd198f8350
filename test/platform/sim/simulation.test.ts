import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EventQueue, Rng, Simulation } from "../../../src/sim/index.js";

/** A little world: clients send requests with random think times through a random network. */
function runWorld(seed: number): string {
  const sim = new Simulation({ seed });
  const net = sim.rng.fork("network");
  const arrivals = sim.rng.fork("arrivals");
  for (let client = 0; client < 20; client++) {
    let sent = 0;
    const send = (): void => {
      if (sent++ >= 25) return;
      const delay = net.exponential(30);
      sim.schedule(delay, () => sim.log(`client ${client} delivered after ${delay.toFixed(6)}`), `deliver c${client}`);
      sim.schedule(arrivals.exponential(100), send, `send c${client}`);
    };
    sim.schedule(arrivals.int(0, 50), send, `start c${client}`);
  }
  sim.run();
  return sim.trace();
}

describe("Simulation", () => {
  it("produces a byte-identical trace for the same seed", () => {
    const a = runWorld(42);
    const b = runWorld(42);
    expect(a.length).toBeGreaterThan(1000);
    expect(b).toBe(a);
  });

  it("produces a different trace for a different seed", () => {
    expect(runWorld(43)).not.toBe(runWorld(42));
  });

  it("runs events in time order, equal times in insertion order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const sim = new Simulation({ seed: 1, trace: false });
        const seen: Array<[number, number]> = [];
        times.forEach((t, i) => sim.at(t, () => seen.push([sim.now(), i])));
        sim.run();
        const expected = times.map((t, i) => [t, i] as [number, number]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
        expect(seen).toEqual(expected);
      }),
    );
  });

  it("never runs a cancelled event and stops at untilMs", () => {
    const sim = new Simulation({ seed: 1 });
    let ran = 0;
    sim.schedule(10, () => ran++).cancel();
    sim.schedule(20, () => ran++);
    sim.schedule(40, () => ran++);
    sim.run(30);
    expect(ran).toBe(1);
    expect(sim.now()).toBe(30);
    sim.run();
    expect(ran).toBe(2);
  });

  it("runAsync lets promise chains settle between events", async () => {
    const sim = new Simulation({ seed: 7 });
    const order: string[] = [];
    const worker = async (name: string): Promise<void> => {
      order.push(`${name} start ${sim.now()}`);
      await sim.sleep(5);
      await Promise.resolve();
      order.push(`${name} end ${sim.now()}`);
    };
    sim.schedule(0, () => void worker("a"));
    sim.schedule(1, () => void worker("b"));
    await sim.runAsync();
    expect(order).toEqual(["a start 0", "b start 1", "a end 5", "b end 6"]);
  });
});

describe("EventQueue", () => {
  it("pops in (time, insertion) order", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 300 }), (times) => {
        const q = new EventQueue<number>();
        times.forEach((t, i) => q.push(t, i));
        const out: number[] = [];
        for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.value);
        const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.i);
        expect(out).toEqual(expected);
      }),
    );
  });
});

describe("Rng", () => {
  it("is reproducible from its seed", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        for (let i = 0; i < 20; i++) expect(a.nextU32()).toBe(b.nextU32());
      }),
    );
  });

  it("fork(name) does not depend on how much the parent or sibling streams consumed", () => {
    const root1 = new Rng(99);
    const root2 = new Rng(99);
    for (let i = 0; i < 1000; i++) root2.next();
    root2.fork("other").next();
    const a = root1.fork("kv");
    const b = root2.fork("kv");
    for (let i = 0; i < 50; i++) expect(a.nextU32()).toBe(b.nextU32());
    expect(root1.fork("kv").nextU32()).not.toBe(root1.fork("dns").nextU32());
  });

  it("int stays in range and covers it", () => {
    const rng = new Rng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = rng.int(-3, 3);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(3);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
  });

  it("next() is roughly uniform (chi-square over 10 bins)", () => {
    const rng = new Rng(12345);
    const bins = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) bins[Math.floor(rng.next() * 10)]!++;
    const expected = n / 10;
    const chi2 = bins.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: p = 0.001 at 27.88.
    expect(chi2).toBeLessThan(27.88);
  });
});
