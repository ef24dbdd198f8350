import fc from "fast-check";
import type { DurableObjectFactory, DurableObjectNamespaceApi, KvNamespaceApi } from "../../../src/core/bindings.js";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { Simulation } from "../../../src/sim/index.js";
import { simulatedWorld } from "./do-world.js";
import { kvOn } from "./kv-world.js";

interface SessionEnv {
  KV: KvNamespaceApi;
  SESSIONS: DurableObjectNamespaceApi;
}
interface Impl {
  sessionObject: DurableObjectFactory;
  writeSession: (env: SessionEnv, id: string, data: string, cookie: string | null) => Promise<{ cookie: string }>;
  deleteSession: (env: SessionEnv, id: string, cookie: string | null) => Promise<{ cookie: string }>;
  readSession: (env: SessionEnv, id: string, cookie: string | null) => Promise<{ data: string | null; cookie: string | null }>;
}

const SESSION_POPS = ["LHR", "CDG", "IAD", "NRT"] as const;

type Op = { kind: "write" | "delete" | "read"; pop: string; gapMs: number };

/** A user who roams between PoPs, with gaps shorter than the life of KV's cached copies. */
const roaming: fc.Arbitrary<Op[]> = fc.array(
  fc.record({
    kind: fc.constantFrom<Op["kind"]>("write", "write", "read", "read", "read", "delete"),
    pop: fc.constantFrom(...SESSION_POPS),
    gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 100, max: 1_500 }), fc.integer({ min: 1_000, max: 20_000 }), fc.integer({ min: 30_000, max: 120_000 })),
  }),
  { minLength: 2, maxLength: 16 },
);

/**
 * A burst of writes at one PoP, about a second apart, with reads from another PoP between
 * them. The other PoP cached version 1 shortly before the burst; its copy times out mid-burst
 * and is refilled with a single-digit version, which it keeps serving for 30 s while the
 * versions pass 9 → 10 (where "10" < "9" as strings bites).
 */
const burstThenRoam: fc.Arbitrary<Op[]> = fc
  .record({
    writes: fc.integer({ min: 10, max: 13 }),
    home: fc.constantFrom(...SESSION_POPS),
    away: fc.constantFrom(...SESSION_POPS),
    gapMs: fc.integer({ min: 900, max: 3_000 }),
    pauseMs: fc.integer({ min: 15_000, max: 29_000 }),
  })
  .map(({ writes, home, away, gapMs, pauseMs }): Op[] => [
    { kind: "write", pop: home, gapMs: 0 },
    { kind: "read", pop: away, gapMs: 0 },
    ...Array.from({ length: writes }, (_, k): Op[] => [
      { kind: "write", pop: home, gapMs: k === 0 ? pauseMs : gapMs },
      { kind: "read", pop: away, gapMs: 0 },
    ]).flat(),
  ]);

/**
 * Versions climbing past 9 with a PoP that caches a single-digit version: the user writes 8 or
 * 9 times at home, then reads at a PoP it never used (which fetches and caches that version),
 * then writes once more and reads there again while the copy is young — whatever the cacheTtl.
 */
const climbPast9: fc.Arbitrary<Op[]> = fc
  .record({
    // A single-digit copy against a two-digit cookie: "9" >= "10" as strings.
    writes: fc.constantFrom(8, 9),
    pops: fc.shuffledSubarray([...SESSION_POPS], { minLength: 2, maxLength: 2 }),
    gapMs: fc.integer({ min: 1_000, max: 2_000 }),
  })
  .map(({ writes, pops: [home, away], gapMs }): Op[] => [
    ...Array.from({ length: writes }, (_, k): Op => ({ kind: "write", pop: home as string, gapMs: k === 0 ? 0 : gapMs })),
    { kind: "read", pop: away as string, gapMs: 0 },
    { kind: "write", pop: home as string, gapMs },
    { kind: "read", pop: away as string, gapMs: 0 },
    { kind: "write", pop: home as string, gapMs },
    { kind: "read", pop: away as string, gapMs: 0 },
  ]);

/** Two PoPs and a short gap, for the fixed traps below. */
const twoPops = fc.record({ pops: fc.shuffledSubarray([...SESSION_POPS], { minLength: 2, maxLength: 2 }), gapMs: fc.integer({ min: 1_000, max: 5_000 }) });

/** A logout while another PoP holds a young copy of the session: the copy must not bring it back. */
const logoutWhileCached: fc.Arbitrary<Op[]> = twoPops.map(({ pops: [home, away], gapMs }): Op[] => [
  { kind: "write", pop: home as string, gapMs: 0 },
  { kind: "read", pop: away as string, gapMs: 0 },
  { kind: "delete", pop: home as string, gapMs },
  { kind: "read", pop: away as string, gapMs: 0 },
]);

/** A PoP that looked before the first write has cached "not found": that is not a logout. */
const missCachedBeforeWrite: fc.Arbitrary<Op[]> = twoPops.map(({ pops: [home, away], gapMs }): Op[] => [
  { kind: "read", pop: away as string, gapMs: 0 },
  { kind: "write", pop: home as string, gapMs },
  { kind: "read", pop: away as string, gapMs: 0 },
]);

/** Two writes within a second, from two PoPs: KV refuses the second copy (429), the write must not fail. */
const writesWithinASecond: fc.Arbitrary<Op[]> = twoPops.map(({ pops: [home, away], gapMs }): Op[] => [
  { kind: "write", pop: home as string, gapMs: 0 },
  { kind: "write", pop: away as string, gapMs: gapMs % 900 },
  { kind: "read", pop: home as string, gapMs: 0 },
]);

/** Every scenario has each trap (one user each), then up to two random users. */
const scenario = fc
  .record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    sessions: fc.array(fc.oneof(roaming, burstThenRoam), { minLength: 0, maxLength: 2 }),
    traps: fc.tuple(climbPast9, logoutWhileCached, missCachedBeforeWrite, writesWithinASecond),
  })
  .map(({ seed, sessions, traps }) => ({ seed, sessions: [...traps, ...sessions] }));

function build(impl: Impl, seed: number): { sim: Simulation; env: (pop: string) => SessionEnv; calls: () => number } {
  const sim = new Simulation({ seed, trace: false });
  const world = simulatedWorld(sim, "SESSIONS", impl.sessionObject);
  const kvAt = kvOn(sim, SESSION_POPS);
  return { sim, env: (pop) => ({ KV: kvAt(pop), SESSIONS: world.ns.forPop(pop) }), calls: () => world.calls.length };
}

/** Runs every user's operations in virtual time; returns the first violation per user. */
async function play(impl: Impl, seed: number, sessions: Op[][]): Promise<string[]> {
  const { sim, env } = build(impl, seed);
  const problems: string[] = [];
  const users = sessions.map(async (ops, u) => {
    const id = `user-${u}`;
    let cookie: string | null = null;
    let latest: string | null = null;
    const log: string[] = [];
    for (const [k, op] of ops.entries()) {
      await sim.sleep(op.gapMs);
      const at = `t=${Math.round(sim.now())} ms ${op.kind} at ${op.pop}`;
      try {
        if (op.kind === "read") {
          const got = await impl.readSession(env(op.pop), id, cookie);
          log.push(`${at} -> ${JSON.stringify(got.data)}`);
          if (got.data !== latest) return void problems.push(`${id}: read returned ${JSON.stringify(got.data)}, but this user's latest write was ${JSON.stringify(latest)}\n  ${log.join("\n  ")}`);
          cookie = got.cookie;
        } else {
          const data = op.kind === "write" ? `${id}.${k}` : null;
          cookie = (op.kind === "write" ? await impl.writeSession(env(op.pop), id, data as string, cookie) : await impl.deleteSession(env(op.pop), id, cookie)).cookie;
          latest = data;
          log.push(`${at} ${JSON.stringify(data)}`);
        }
      } catch (error) {
        return void problems.push(`${id}: ${at} failed: ${error instanceof Error ? error.message : String(error)}\n  ${log.join("\n  ")}`);
      }
    }
  });
  const all = Promise.all(users);
  await sim.runAsync();
  await all;
  return problems;
}

/**
 * One session, two clients (a phone and a laptop), each with its own cookie. The writer
 * writes at home; the reader first reads at PoP A (which caches the first version), then at
 * PoP B in another regional tier (which fetches the newest), then at A again while A's copy
 * is still young, then roams. Having seen version n, the reader must never see an older one.
 */
const TIER_PAIRS = [["LHR", "IAD"], ["IAD", "NRT"], ["NRT", "CDG"], ["CDG", "IAD"], ["IAD", "LHR"], ["NRT", "LHR"]] as const;
const sharedSession = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  home: fc.constantFrom(...SESSION_POPS),
  pair: fc.constantFrom(...TIER_PAIRS),
  writes: fc.integer({ min: 2, max: 4 }),
  gapMs: fc.oneof(fc.constant(1_000), fc.integer({ min: 1_000, max: 3_000 })),
  roam: fc.array(fc.record({ pop: fc.constantFrom(...SESSION_POPS), gapMs: fc.integer({ min: 0, max: 20_000 }), write: fc.boolean() }), { maxLength: 6 }),
});

async function playShared(impl: Impl, sc: typeof sharedSession extends fc.Arbitrary<infer T> ? T : never): Promise<string | undefined> {
  const { sim, env } = build(impl, sc.seed);
  const a: string = sc.pair[0];
  const b: string = sc.pair[1];
  const id = "shared";
  const written: string[] = [];
  let writerCookie: string | null = null;
  let readerCookie: string | null = null;
  let seen = 0;
  const log: string[] = [];
  const write = async (pop: string): Promise<void> => {
    const data = `w${written.length + 1}`;
    writerCookie = (await impl.writeSession(env(pop), id, data, writerCookie)).cookie;
    written.push(data);
    log.push(`t=${Math.round(sim.now())} ms writer writes ${data} at ${pop}`);
  };
  const read = async (pop: string): Promise<string | undefined> => {
    const got = await impl.readSession(env(pop), id, readerCookie);
    log.push(`t=${Math.round(sim.now())} ms reader reads at ${pop} -> ${JSON.stringify(got.data)}`);
    const index = got.data === null ? 0 : written.indexOf(got.data) + 1;
    if (got.data !== null && index === 0) return `the reader read ${JSON.stringify(got.data)}, which nobody wrote`;
    if (index < seen) return `the reader read ${JSON.stringify(got.data)} after it had read ${JSON.stringify(written[seen - 1])} (monotonic reads: a client never goes back to an older version)`;
    seen = index;
    readerCookie = got.cookie;
    return undefined;
  };
  const flow = (async (): Promise<string | undefined> => {
    await write(sc.home);
    const first = (await read(a)) ?? undefined;
    if (first !== undefined) return first;
    for (let k = 1; k < sc.writes; k++) {
      await sim.sleep(sc.gapMs);
      await write(sc.home);
    }
    for (const pop of [b, a]) {
      const problem = await read(pop);
      if (problem !== undefined) return problem;
    }
    // One more write, then A (still holding its first, oldest copy: the object answers with
    // the newest) and B (holding the copy it read before this write): having read the newest
    // at A, the reader must not get B's older copy.
    await sim.sleep(sc.gapMs);
    await write(sc.home);
    for (const pop of [a, b]) {
      const problem = await read(pop);
      if (problem !== undefined) return problem;
    }
    for (const step of sc.roam) {
      await sim.sleep(step.gapMs);
      if (step.write) await write(sc.home);
      else {
        const problem = await read(step.pop);
        if (problem !== undefined) return problem;
      }
    }
    return undefined;
  })();
  flow.catch(() => undefined);
  await sim.runAsync();
  let problem: string | undefined;
  try {
    problem = await flow;
  } catch (error) {
    problem = `failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return problem === undefined ? undefined : `${problem}\n  ${log.join("\n  ")}`;
}

/** Session ids a Worker sees in real cookies and URLs: prototype names, non-ASCII, empty. */
const ODD_IDS = ["__proto__", "constructor", "toString", "hasOwnProperty", "", "séance-セッション-🙂", "a".repeat(400)] as const;
/** Ids KV cannot hold as a key: over its 512-byte key limit, and a lone UTF-16 surrogate. */
const IDS_KV_REFUSES = ["x".repeat(600), "é".repeat(300), "bad\uD800id"] as const;

export const suite = defineLevel<Impl>({
  kata: "q2-kv-vs-do",
  level: 4,
  load: (m) => {
    const sessionObject = m.sessionObject;
    if (typeof sessionObject !== "function") throw new TypeError(`expected the module to export function \`sessionObject\`; found ${typeof sessionObject}`);
    return {
      sessionObject: sessionObject as DurableObjectFactory,
      writeSession: requireExport<Impl["writeSession"]>(m, "writeSession"),
      deleteSession: requireExport<Impl["deleteSession"]>(m, "deleteSession"),
      readSession: requireExport<Impl["readSession"]>(m, "readSession"),
    };
  },
  probe: async (impl) => {
    const { sim, env } = build(impl, 1);
    const done = impl.writeSession(env("LHR"), "probe", "x", null);
    done.catch(() => undefined);
    await sim.runAsync();
    return done;
  },
  properties: [
    {
      name: "every read returns the user's latest write (read-your-writes, monotonic reads, logout sticks) from any PoP, and no write fails",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(scenario, async ({ seed, sessions }) => {
            const problems = await play(impl, seed, sessions);
            if (problems.length > 0) throw new Error(problems.join("\n"));
          }),
          ctx,
          { numRuns: 25 },
        ),
    },
    {
      name: "a client sharing a session with another never reads an older version than one it has read (monotonic reads)",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(sharedSession, async (sc) => {
            const problem = await playShared(impl, sc);
            if (problem !== undefined) throw new Error(problem);
          }),
          ctx,
          { numRuns: 15 },
        ),
    },
    {
      name: "once every cached KV copy has timed out, reads from any PoP make no Durable Object call",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(...SESSION_POPS), fc.shuffledSubarray([...SESSION_POPS], { minLength: 1 }), async (seed, home, readers) => {
            const { sim, env, calls } = build(impl, seed);
            const flow = (async (): Promise<number> => {
              const { cookie } = await impl.writeSession(env(home), "u", "hello", null);
              await sim.sleep(200_000);
              const before = calls();
              let c: string | null = cookie;
              for (const pop of readers) {
                const got = await impl.readSession(env(pop), "u", c);
                if (got.data !== "hello") throw new Error(`read at ${pop} 200 s after the write returned ${JSON.stringify(got.data)}`);
                c = got.cookie;
              }
              return calls() - before;
            })();
            flow.catch(() => undefined);
            await sim.runAsync();
            const extra = await flow;
            if (extra > 0) throw new Error(`${readers.length} reads 200 s after the write made ${extra} Durable Object call(s); KV had the copy, so a read should cost no round trip`);
          }),
          ctx,
          { numRuns: 15 },
        ),
    },
    {
      name: "a visitor with no cookie reading a session nobody wrote gets null with no Durable Object call, whatever the id",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.shuffledSubarray([...SESSION_POPS], { minLength: 1 }), fc.constantFrom("nobody", ...ODD_IDS), async (seed, readers, id) => {
            const { sim, env, calls } = build(impl, seed);
            const flow = (async (): Promise<void> => {
              // Someone else's session exists, so the namespace is not empty.
              await impl.writeSession(env(readers[0]!), "someone", "hello", null);
              await sim.sleep(200_000);
              const before = calls();
              for (const pop of readers) {
                const got = await impl.readSession(env(pop), id, null);
                if (got.data !== null) throw new Error(`read of session ${JSON.stringify(id)}, which nobody wrote, at ${pop} returned ${JSON.stringify(got.data)}`);
              }
              const extra = calls() - before;
              if (extra > 0) throw new Error(`${readers.length} cookie-less read(s) of session ${JSON.stringify(id)}, which nobody wrote, made ${extra} Durable Object call(s); KV already says "not found" and the visitor has seen nothing newer, so every anonymous request would pay a round trip`);
            })();
            flow.catch(() => undefined);
            await sim.runAsync();
            await flow;
          }),
          ctx,
          { numRuns: 10, examples: ODD_IDS.map((id) => [1, [...SESSION_POPS], id]) },
        ),
    },
    {
      name: "whatever the session id, a write that succeeds is read back (an id KV cannot hold fails the write with an error, not the later reads)",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.shuffledSubarray([...SESSION_POPS], { minLength: 2, maxLength: 2 }), fc.constantFrom(...ODD_IDS, ...IDS_KV_REFUSES), async (seed, [home, away], id) => {
            const { sim, env } = build(impl, seed);
            const flow = (async (): Promise<string | undefined> => {
              let cookie: string;
              try {
                cookie = (await impl.writeSession(env(home!), id, "hello", null)).cookie;
              } catch (error) {
                // Refusing the id is fine for ids KV cannot hold, not for the others.
                if ((IDS_KV_REFUSES as readonly string[]).includes(id)) return undefined;
                throw error;
              }
              for (const [pop, wait] of [[home!, 0], [away!, 0], [away!, 200_000]] as const) {
                await sim.sleep(wait);
                let got: { data: string | null };
                try {
                  got = await impl.readSession(env(pop), id, cookie);
                } catch (error) {
                  return `the write to session ${JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id)} (${Buffer.byteLength(id)} bytes) succeeded, but a read at ${pop} threw: ${error instanceof Error ? error.message : String(error)}; a write that can never be read back must fail itself`;
                }
                if (got.data !== "hello") return `read of session ${JSON.stringify(id)} at ${pop} returned ${JSON.stringify(got.data)} after the user wrote "hello"`;
              }
              return undefined;
            })();
            flow.catch(() => undefined);
            await sim.runAsync();
            const problem = await flow;
            if (problem !== undefined) throw new Error(problem);
          }),
          ctx,
          { numRuns: 10, examples: [...ODD_IDS, ...IDS_KV_REFUSES].map((id) => [1, ["LHR", "NRT"], id]) },
        ),
    },
  ],
});
