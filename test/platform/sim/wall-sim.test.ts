import { afterEach, describe, expect, it, vi } from "vitest";
import { WallSim, type Clock } from "../../../src/sim/index.js";

// WallSim is the wall-time adapter: its timers are real `setTimeout`s, so the test drives them
// with vitest's fake timers instead of sleeping.
describe("WallSim (the one wall-clock scheduler)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const clockAt = (ms: () => number): Clock => ({ nowMs: ms });

  it("runs scheduled work after its delay, in order, and sleeps resolve", async () => {
    vi.useFakeTimers();
    const sim = new WallSim(clockAt(() => Date.now()));
    const ran: string[] = [];
    sim.schedule(20, () => ran.push("b"));
    sim.schedule(10, () => ran.push("a"));
    sim.schedule(-5, () => ran.push("now")); // a negative delay is no delay
    const slept = sim.sleep(30).then(() => ran.push("slept"));
    await vi.advanceTimersByTimeAsync(15);
    expect(ran).toEqual(["now", "a"]);
    await vi.advanceTimersByTimeAsync(20);
    await slept;
    expect(ran).toEqual(["now", "a", "b", "slept"]);
  });

  it("cancels one timer, and every pending timer on close", async () => {
    vi.useFakeTimers();
    const sim = new WallSim(clockAt(() => 0));
    const ran: number[] = [];
    sim.schedule(10, () => ran.push(1)).cancel();
    sim.schedule(10, () => ran.push(2));
    sim.schedule(50, () => ran.push(3));
    await vi.advanceTimersByTimeAsync(20);
    sim.close();
    await vi.advanceTimersByTimeAsync(100);
    expect(ran).toEqual([2]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("reads time from its clock and passes promises through track", async () => {
    const sim = new WallSim(clockAt(() => 1234));
    expect(sim.now()).toBe(1234);
    await expect(sim.track(Promise.resolve("x"))).resolves.toBe("x");
  });
});
