import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";

interface Jwk {
  kty: string;
  kid?: string;
  k?: string;
}
interface Options {
  fetchJwks: () => Promise<{ keys: Jwk[] }>;
  clock: { nowMs(): number };
  ttlMs?: number;
  cooldownMs?: number;
  maxStaleMs?: number;
}
interface Cache {
  getKey(kid: string): Promise<Jwk | null>;
}
type Make = (options: Options) => Cache;

/** A scriptable issuer: which kids it serves, whether it is up, and every fetch it saw. */
class FakeIssuer {
  nowMs = 0;
  up = true;
  kids = new Set(["A", "B"]);
  fetches: number[] = [];
  /** Successful fetches: when, and which kids they served. */
  served: Array<{ atMs: number; kids: Set<string> }> = [];
  gate: Promise<void> | null = null;

  readonly clock = { nowMs: (): number => this.nowMs };
  readonly fetchJwks = async (): Promise<{ keys: Jwk[] }> => {
    const atMs = this.nowMs;
    this.fetches.push(atMs);
    if (this.gate !== null) await this.gate;
    else await Promise.resolve();
    if (!this.up) throw new Error("issuer down");
    this.served.push({ atMs, kids: new Set(this.kids) });
    return { keys: [...this.kids].map((kid) => ({ kty: "oct", kid, k: `secret-of-${kid}` })) };
  };
}

type Step =
  | { kind: "req"; gapMs: number; kids: string[] }
  | { kind: "origin"; gapMs: number; change: "down" | "up" | "add-C" | "remove-A" };

const config = fc
  .record({ cooldownMs: fc.integer({ min: 1, max: 20 }), ttlExtraMs: fc.integer({ min: 0, max: 40 }), maxStaleMs: fc.integer({ min: 0, max: 60 }) })
  .map((c) => ({ cooldownMs: c.cooldownMs, ttlMs: c.cooldownMs + c.ttlExtraMs, maxStaleMs: c.maxStaleMs }));

/** Gaps biased to the interesting distances: 0 (a burst), 1, around cooldown, around ttl. */
const gap = (c: { cooldownMs: number; ttlMs: number; maxStaleMs: number }): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(0, 0, 1, c.cooldownMs - 1, c.cooldownMs, c.ttlMs, c.ttlMs + c.maxStaleMs), fc.integer({ min: 0, max: 30 }));
const kid = fc.oneof({ arbitrary: fc.constantFrom("A", "B", "C"), weight: 2 }, { arbitrary: fc.string({ minLength: 1, maxLength: 3 }).map((s) => `forged-${s}`), weight: 2 });
const scenario = config.chain((c) =>
  fc.record({
    config: fc.constant(c),
    steps: fc.array(
      fc.oneof(
        { arbitrary: fc.record({ kind: fc.constant("req" as const), gapMs: gap(c), kids: fc.array(kid, { minLength: 1, maxLength: 4 }) }), weight: 4 },
        { arbitrary: fc.record({ kind: fc.constant("origin" as const), gapMs: gap(c), change: fc.constantFrom("down" as const, "up" as const, "add-C" as const, "remove-A" as const) }), weight: 1 },
      ),
      { minLength: 1, maxLength: 30 },
    ),
  }),
);

/** Runs a scenario and checks, at every request, the invariants a correct cache keeps. */
async function runScenario(make: Make, s: { config: { cooldownMs: number; ttlMs: number; maxStaleMs: number }; steps: Step[] }): Promise<void> {
  const { cooldownMs, ttlMs, maxStaleMs } = s.config;
  const issuer = new FakeIssuer();
  const cache = make({ fetchJwks: issuer.fetchJwks, clock: issuer.clock, ttlMs, cooldownMs, maxStaleMs });
  const since = { upMs: 0, kid: new Map<string, number>([["A", 0], ["B", 0]]) };
  let firstReqMs: number | undefined;
  let lastReqMs = 0;
  for (const step of s.steps) {
    issuer.nowMs += step.gapMs;
    const t = issuer.nowMs;
    if (step.kind === "origin") {
      if (step.change === "down") issuer.up = false;
      if (step.change === "up" && !issuer.up) [issuer.up, since.upMs] = [true, t];
      if (step.change === "add-C" && !issuer.kids.has("C")) [issuer.kids, since.kid] = [issuer.kids.add("C"), since.kid.set("C", t)];
      if (step.change === "remove-A") issuer.kids.delete("A");
      continue;
    }
    firstReqMs ??= t;
    lastReqMs = t;
    const results = await Promise.all(step.kids.map((k) => cache.getKey(k)));
    step.kids.forEach((k, i) => {
      const got = results[i] ?? null;
      const where = `request for kid ${k} at t=${t} (cooldown ${cooldownMs}, ttl ${ttlMs}, maxStale ${maxStaleMs}; fetches at ${issuer.fetches.join(",")})`;
      if (got !== null && (got.kid !== k || got.k !== `secret-of-${k}`)) throw new Error(`${where}: returned the key of kid ${String(got.kid)}`);
      // Safety: a key is only served if a successful fetch younger than ttl + maxStale had it.
      if (got !== null && !issuer.served.some((f) => f.atMs > t - ttlMs - maxStaleMs && f.kids.has(k))) {
        throw new Error(`${where}: served a key that no fetch in the last ttl + maxStale = ${ttlMs + maxStaleMs} ms returned`);
      }
      const last = issuer.served.at(-1);
      // Stale-if-error, and rotation after at most one refetch: once a successful fetch returned
      // this kid, it is served — through outages — until that set is ttl + maxStale old,
      // unless the issuer has since dropped it. No second fetch may be needed to find it.
      if (got === null && issuer.kids.has(k) && last !== undefined && t - last.atMs < ttlMs + maxStaleMs && last.kids.has(k)) {
        throw new Error(`${where}: the last good key set (fetched at ${last.atMs}, issuer ${issuer.up ? "up" : "down"} now) has this kid and is within ttl + maxStale; expected it to be served`);
      }
      // Liveness: an issuer that has been up and serving this kid for a whole cooldown is used.
      const kidSince = since.kid.get(k);
      if (issuer.up && issuer.kids.has(k) && kidSince !== undefined && t - Math.max(kidSince, since.upMs) >= cooldownMs && got === null) {
        throw new Error(`${where}: issuer up and serving this kid for >= one cooldown, yet the key was not found`);
      }
    });
  }
  // The flood bound: fetches are at least a cooldown apart.
  const spanMs = firstReqMs === undefined ? 0 : lastReqMs - firstReqMs;
  const bound = firstReqMs === undefined ? 0 : 1 + Math.ceil(spanMs / cooldownMs);
  if (issuer.fetches.length > bound) throw new Error(`${issuer.fetches.length} fetches (at ${issuer.fetches.join(",")}) over ${spanMs} ms > 1 + ceil(T/cooldown) = ${bound}`);
}

export const suite = defineLevel<Make>({
  kata: "q5-edge-jwt",
  level: 3,
  load: (m) => {
    const Ctor = requireExport<new (o: Options) => Cache>(m, "JwksCache", "class");
    return (o) => new Ctor(o);
  },
  probe: async (make) => {
    const issuer = new FakeIssuer();
    return make({ fetchJwks: issuer.fetchJwks, clock: issuer.clock }).getKey("A");
  },
  properties: [
    {
      name: "serves only the issuer's key for a kid, null for forged kids; bounds fetches to 1 + ceil(T/cooldown); serves the last good keys (through outages) until ttl + maxStale; drops removed keys within ttl + maxStale; finds new kids once the issuer served them for a cooldown",
      run: (make, ctx) => check(fc.asyncProperty(scenario, (s) => runScenario(make, s)), ctx, { numRuns: 300 }),
    },
    {
      name: "concurrent misses share one fetch",
      run: (make, ctx) =>
        check(
          fc.asyncProperty(fc.array(kid, { minLength: 2, maxLength: 12 }), fc.integer({ min: 1, max: 50 }), async (kids, cooldownMs) => {
            const issuer = new FakeIssuer();
            let open = (): void => {};
            issuer.gate = new Promise<void>((resolve) => (open = resolve));
            const cache = make({ fetchJwks: issuer.fetchJwks, clock: issuer.clock, cooldownMs, ttlMs: cooldownMs * 10 });
            const pending = Promise.all(kids.map((k) => cache.getKey(k)));
            await new Promise((r) => setImmediate(r));
            open();
            const results = await pending;
            if (issuer.fetches.length !== 1) throw new Error(`${kids.length} concurrent cold misses caused ${issuer.fetches.length} fetches; expected 1`);
            kids.forEach((k, i) => {
              const expectKey = k === "A" || k === "B";
              if ((results[i] !== null) !== expectKey) throw new Error(`kid ${k}: expected ${expectKey ? "its key" : "null"} after the shared fetch`);
            });
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
  ],
});
