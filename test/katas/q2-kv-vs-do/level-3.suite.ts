import fc from "fast-check";
import type { DurableObjectFactory, DurableObjectNamespaceApi, KvNamespaceApi } from "../../../src/core/bindings.js";
import { check, defineLevel, PictureFailure, requireExport } from "../../../src/kata/index.js";
import { checkLinearizable, counterModel, type CounterInput, type Operation } from "../../../src/lin/index.js";
import { renderTimeline } from "../../../src/lin/timeline.js";
import { drive, scheduledWorld } from "./do-world.js";
import { makeKvWorld } from "./kv-world.js";

interface CounterEnv {
  KV: KvNamespaceApi;
  COUNTERS: DurableObjectNamespaceApi;
}
interface ObjectEnv {
  audit(event: string): Promise<void>;
}
interface Impl {
  counterObject: (objectEnv: ObjectEnv) => DurableObjectFactory;
  increment: (env: CounterEnv, name: string) => Promise<number>;
  read: (env: CounterEnv, name: string) => Promise<number>;
}

const POP_CODES = ["LHR", "IAD", "NRT", "SYD", "GRU", "JNB"] as const;

/**
 * Counter names, adversarial ones included: prototype property names (a stub cache in a plain
 * object answers them with Object.prototype's members), the empty name and non-ASCII.
 */
const NAMES = ["views", "__proto__", "constructor", "toString", "", "vues-é🙂"] as const;

interface Wave {
  ops: Array<{ pop: string; kind: "increment" | "read"; name: string }>;
  /** Move the object to another PoP after the wave: a new instance, the same storage. */
  move: boolean;
}

/** Waves of concurrent increments and reads from many PoPs, with moves between waves. */
const waves: fc.Arbitrary<Wave[]> = fc.array(
  fc.record({
    ops: fc.array(
      fc.record({ pop: fc.constantFrom(...POP_CODES), kind: fc.constantFrom<"increment" | "read">("increment", "increment", "read"), name: fc.oneof({ weight: 3, arbitrary: fc.constant("views") }, { weight: 2, arbitrary: fc.constantFrom(...NAMES) }) }),
      { minLength: 1, maxLength: 6 },
    ),
    move: fc.boolean(),
  }),
  { minLength: 2, maxLength: 4 },
);

interface Played {
  history: Operation<CounterInput, number>[];
  /** The counter each operation of `history` used. */
  names: string[];
  failures: string[];
  audits: number;
  increments: number;
  /** Audit events in the order the object sent them. */
  auditEvents: string[];
  /** Acknowledged increments whose `increment -> n` event had not been sent when they returned. */
  unaudited: string[];
}

/**
 * Plays the waves. Times are logical ticks taken when a call is issued and when its answer
 * arrives, so the history keeps the real-time order fast-check chose.
 */
async function play(impl: Impl, s: fc.Scheduler, ws: Wave[]): Promise<Played> {
  let audits = 0;
  const auditEvents: string[] = [];
  const objectEnv: ObjectEnv = {
    audit: (event) => {
      audits++;
      auditEvents.push(event);
      return s.schedule(Promise.resolve(), "audit").then(() => undefined);
    },
  };
  /** Per event, how many acknowledged increments have claimed one of its audit calls. */
  const claimed = new Map<string, number>();
  const world = scheduledWorld(s, "COUNTERS", impl.counterObject(objectEnv));
  const kv = makeKvWorld(1, POP_CODES);
  const env = (pop: string): CounterEnv => ({ KV: kv.at(pop), COUNTERS: world.ns.forPop(pop) });
  let tick = 0;
  const played: Played = { history: [], names: [], failures: [], audits: 0, increments: 0, auditEvents, unaudited: [] };
  for (const [w, wave] of ws.entries()) {
    const calls = wave.ops.map(async (op, i) => {
      const call = tick++;
      if (op.kind === "increment") played.increments++;
      try {
        const output = await (op.kind === "increment" ? impl.increment(env(op.pop), op.name) : impl.read(env(op.pop), op.name));
        if (op.kind === "increment") {
          // Audited before it is acknowledged: its event was sent before this answer arrived.
          const event = `increment -> ${output}`;
          const used = (claimed.get(event) ?? 0) + 1;
          claimed.set(event, used);
          if (auditEvents.filter((e) => e === event).length < used) played.unaudited.push(`${op.pop}#${w}.${i} on ${JSON.stringify(op.name)} returned ${output}`);
        }
        played.history.push({ clientId: `${op.pop}#${w}.${i}`, input: { kind: op.kind }, output, call, ret: tick++ });
        played.names.push(op.name);
      } catch (error) {
        played.failures.push(`${op.kind} from ${op.pop} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    await drive(s, Promise.all(calls));
    if (wave.move) {
      for (const name of new Set(wave.ops.map((op) => op.name))) {
        const pop = world.runtime.locate(world.ns.idFromName(name));
        if (pop !== undefined) {
          world.runtime.markRegionUnhealthy(pop);
          world.runtime.markRegionHealthy(pop);
        }
      }
    }
  }
  played.audits = audits;
  return played;
}

export const suite = defineLevel<Impl>({
  kata: "q2-kv-vs-do",
  level: 3,
  load: (m) => ({
    counterObject: requireExport<Impl["counterObject"]>(m, "counterObject"),
    increment: requireExport<Impl["increment"]>(m, "increment"),
    read: requireExport<Impl["read"]>(m, "read"),
  }),
  probe: async (impl) => {
    const s = fc.sample(fc.scheduler(), { numRuns: 1, seed: 1 })[0] as fc.Scheduler;
    const world = scheduledWorld(s, "COUNTERS", impl.counterObject({ audit: async () => undefined }));
    return drive(s, impl.increment({ KV: makeKvWorld(1).at("LHR"), COUNTERS: world.ns.forPop("LHR") }, "probe"));
  },
  properties: [
    {
      name: "every concurrent history of increments and reads from many PoPs is linearizable, whatever the message order and moves",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.scheduler(), waves, async (s, ws) => {
            const played = await play(impl, s, ws);
            if (played.failures.length > 0) throw new Error(`a counter must not drop operations: ${played.failures.join("; ")}`);
            // One counter per name: each name's sub-history must be linearizable on its own.
            for (const name of new Set(played.names)) {
              const history = played.history.filter((_, k) => played.names[k] === name);
              const verdict = checkLinearizable(counterModel(), history);
              if (verdict.ok !== true) {
                throw new PictureFailure(
                  `counter ${JSON.stringify(name)}: ${verdict.ok === false ? verdict.reason : "undecided"}\nhistory: ${history.map((o) => `${o.clientId} ${o.input.kind}->${JSON.stringify(o.output)} [${o.call},${o.ret}]`).join(", ")}`,
                  () => renderTimeline(history, verdict, { model: counterModel(), title: `q2/3: counter ${JSON.stringify(name)} is not linearizable` }),
                );
              }
            }
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
    {
      name: "reports every increment to the audit service as `increment -> n`, before acknowledging it",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.scheduler(), waves, async (s, ws) => {
            const played = await play(impl, s, ws.map((w) => ({ ...w, move: false })));
            if (played.audits !== played.increments) throw new Error(`${played.increments} increments but ${played.audits} audit calls`);
            if (played.unaudited.length > 0) throw new Error(`acknowledged before its audit call \`increment -> n\` (n = the value returned) was sent: ${played.unaudited.join("; ")}; audit events sent: ${JSON.stringify(played.auditEvents)}`);
            const expected = played.history.filter((op) => op.input.kind === "increment").map((op) => `increment -> ${op.output}`).sort();
            const sent = [...played.auditEvents].sort();
            if (JSON.stringify(sent) !== JSON.stringify(expected)) throw new Error(`the audit events must be \`increment -> n\`, one per increment with the n it returned; expected ${JSON.stringify(expected)}, sent ${JSON.stringify(sent)}`);
          }),
          ctx,
          { numRuns: 10 },
        ),
    },
  ],
});
