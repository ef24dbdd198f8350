import fc from "fast-check";
import type { Model, Operation } from "../../../src/lin/index.js";

interface Slot<I> {
  clientId: number;
  input: I;
  call: number;
  ret: number;
  /** Where in [call, ret] an atomic object would apply it, as a fraction. */
  point: number;
  /** When set, the output is replaced by this (likely wrong) answer. */
  corrupt: number | null;
  /** The client crashed: the outcome is unknown; `applies` says whether it took effect. */
  unknown: boolean;
  applies: boolean;
}

/**
 * Random small histories: each client runs its operations one after another with random gaps
 * and durations. Outputs come from a real atomic object (each op applied at a random point in
 * its interval), so most histories are linearizable; some outputs are then corrupted.
 */
export function historyArb<S, I, O>(
  model: Model<S, I, O>,
  inputArb: fc.Arbitrary<I>,
  corruptOutput: (wrong: number, input: I) => O,
  options: { clients: number; opsMax: number; corruptRate: number; unknownRate?: number },
): fc.Arbitrary<Operation<I, O>[]> {
  const opArb = fc.record({
    clientId: fc.integer({ min: 0, max: options.clients - 1 }),
    input: inputArb,
    gap: fc.integer({ min: 0, max: 6 }),
    duration: fc.integer({ min: 0, max: 8 }),
    point: fc.double({ min: 0, max: 1, noNaN: true }),
    corrupt: fc.option(fc.integer({ min: 0, max: 3 }), { freq: Math.round(1 / options.corruptRate) }),
    // Weighted, not a biased double: fast-check's doubles favour 0, which would crash most clients.
    unknown: options.unknownRate === undefined ? fc.constant(false) : fc.oneof({ arbitrary: fc.constant(true), weight: Math.round(options.unknownRate * 100) }, { arbitrary: fc.constant(false), weight: Math.round((1 - options.unknownRate) * 100) }),
    applies: fc.boolean(),
  });
  return fc.array(opArb, { minLength: 1, maxLength: options.opsMax }).map((raw) => {
    const clientTime = new Map<number, number>();
    const slots: Slot<I>[] = raw.map((r) => {
      const call = (clientTime.get(r.clientId) ?? 0) + r.gap;
      const ret = call + r.duration;
      clientTime.set(r.clientId, ret + 1);
      return { clientId: r.clientId, input: r.input, call, ret, point: call + r.point * (ret - call), corrupt: r.corrupt, unknown: r.unknown, applies: r.applies };
    });
    const byPoint = slots.map((s, i) => ({ s, i })).sort((a, b) => a.s.point - b.s.point || a.i - b.i);
    const outputs = new Array<O>(slots.length);
    let state = model.init();
    for (const { s, i } of byPoint) {
      if (s.unknown) {
        // A crashed client's operation took effect at its point, or never.
        if (s.applies) state = (model.apply as (st: S, inp: I) => S)(state, s.input);
        continue;
      }
      const out = atomicOutput(model, state, s.input);
      state = out.state;
      outputs[i] = s.corrupt === null ? out.output : corruptOutput(s.corrupt, s.input);
    }
    return slots.map((s, i): Operation<I, O> =>
      s.unknown
        ? { clientId: s.clientId, input: s.input, output: undefined as O, call: s.call, ret: Number.POSITIVE_INFINITY, unknown: true }
        : { clientId: s.clientId, input: s.input, output: outputs[i] as O, call: s.call, ret: s.ret },
    );
  });
}

/** The output an atomic object gives: found by asking the model which candidate it accepts. */
function atomicOutput<S, I, O>(model: Model<S, I, O>, state: S, input: I): { output: O; state: S } {
  const candidates: unknown[] = [undefined, null, true, false, ...Array.from({ length: 64 }, (_, i) => i), ...Array.from({ length: 8 }, (_, i) => `v${i}`)];
  for (const candidate of candidates) {
    const step = model.step(state, input, candidate as O);
    if (step.ok) return { output: candidate as O, state: step.state };
  }
  throw new Error(`no candidate output is accepted for ${JSON.stringify(input)}`);
}
