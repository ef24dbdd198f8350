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
  /** How long a successful fetch takes, in virtual time: the clock moves on while the caller waits. */
  latencyMs = 0;
  /** When set, the issuer answers these bodies in turn instead of a key set (a broken deploy). */
  junk: unknown[] | null = null;
  junkAnswers = 0;

  readonly clock = { nowMs: (): number => this.nowMs };
  readonly fetchJwks = async (): Promise<{ keys: Jwk[] }> => {
    const atMs = this.nowMs;
    this.fetches.push(atMs);
    if (this.gate !== null) await this.gate;
    else await Promise.resolve();
    // A down issuer refuses at once; an up one takes latencyMs to answer.
    if (!this.up) throw new Error("issuer down");
    this.nowMs += this.latencyMs;
    if (this.junk !== null) return this.junk[this.junkAnswers++ % this.junk.length] as { keys: Jwk[] };
    this.served.push({ atMs, kids: new Set(this.kids) });
    return { keys: [...this.kids].map((kid) => ({ kty: "oct", kid, k: `secret-of-${kid}` })) };
  };
}

type Step =
  | { kind: "req"; gapMs: number; kids: string[] }
  | { kind: "origin"; gapMs: number; change: "down" | "up" | "add" | "remove-A"; kid: string };

/**
 * Kids an attacker sends, and an issuer may publish: prototype property names (a plain-object
 * key map answers them from Object.prototype), empty, non-ASCII, and look-alikes.
 */
/** Answers that are not a key set: a failed refresh each, like an outage. */
const JUNK: unknown[] = [null, {}, { keys: "A" }, { keys: { A: { kty: "oct", kid: "A", k: "secret-of-A" } } }, [], "{}", { keys: null }];

const ODD_KIDS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "kty", "", "ü🔑", "A ", "a"];

const config = fc
  .record({
    cooldownMs: fc.integer({ min: 1, max: 20 }),
    ttlExtraMs: fc.integer({ min: 0, max: 40 }),
    maxStaleMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 })),
    // A slow issuer half of the time (slower than ttl would make every set stale on arrival):
    // freshness counts from when the fetch started.
    latencyMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 15 })),
  })
  .map((c) => ({ cooldownMs: c.cooldownMs, ttlMs: c.cooldownMs + c.ttlExtraMs, maxStaleMs: c.maxStaleMs, latencyMs: Math.min(c.latencyMs, c.cooldownMs + c.ttlExtraMs - 1) }));

/** Gaps biased to the interesting distances: 0 (a burst), 1, around cooldown, around ttl. */
type Config = { cooldownMs: number; ttlMs: number; maxStaleMs: number; latencyMs: number };
const gap = (c: Config): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(0, 0, 1, c.cooldownMs - 1, c.cooldownMs, c.ttlMs, c.ttlMs + c.maxStaleMs, c.ttlMs + c.maxStaleMs - 1, c.latencyMs), fc.integer({ min: 0, max: 30 }));
const kid = fc.oneof(
  { arbitrary: fc.constantFrom("A", "B", "C"), weight: 3 },
  { arbitrary: fc.constantFrom(...ODD_KIDS), weight: 2 },
  { arbitrary: fc.string({ minLength: 1, maxLength: 3 }).map((s) => `forged-${s}`), weight: 1 },
);
const scenario = config.chain((c) =>
  fc.record({
    config: fc.constant(c),
    steps: fc.array(
      fc.oneof(
        { arbitrary: fc.record({ kind: fc.constant("req" as const), gapMs: gap(c), kids: fc.array(kid, { minLength: 1, maxLength: 4 }) }), weight: 4 },
        {
          arbitrary: fc.record({ kind: fc.constant("origin" as const), gapMs: gap(c), change: fc.constantFrom("down" as const, "up" as const, "add" as const, "remove-A" as const), kid: fc.constantFrom("C", "C", "__proto__", "constructor", "") }),
          weight: 1,
        },
      ),
      { minLength: 1, maxLength: 30 },
    ),
  }),
);

/** Runs a scenario and checks, at every request, the invariants a correct cache keeps. */
async function runScenario(make: Make, s: { config: Config; steps: Step[] }): Promise<void> {
  const { cooldownMs, ttlMs, maxStaleMs, latencyMs } = s.config;
  const issuer = new FakeIssuer();
  issuer.latencyMs = latencyMs;
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
      if (step.change === "add" && !issuer.kids.has(step.kid)) [issuer.kids, since.kid] = [issuer.kids.add(step.kid), since.kid.set(step.kid, t)];
      if (step.change === "remove-A") issuer.kids.delete("A");
      continue;
    }
    firstReqMs ??= t;
    const results = await Promise.all(step.kids.map((k) => cache.getKey(k)));
    // A slow fetch moved the clock on: checks that must hold at the latest time use tEnd.
    const tEnd = issuer.nowMs;
    lastReqMs = tEnd;
    step.kids.forEach((k, i) => {
      const got = results[i] ?? null;
      const where = `request for kid ${JSON.stringify(k)} at t=${t}${tEnd !== t ? `..${tEnd}` : ""} (cooldown ${cooldownMs}, ttl ${ttlMs}, maxStale ${maxStaleMs}, fetch latency ${latencyMs}; fetches started at ${issuer.fetches.join(",")})`;
      if (got !== null && typeof got !== "object") throw new Error(`${where}: returned ${typeof got}, not a JWK or null`);
      if (got !== null && (got.kid !== k || got.k !== `secret-of-${k}`)) throw new Error(`${where}: returned the key of kid ${String(got.kid)}`);
      // Safety: a key is only served if a successful fetch younger than ttl + maxStale had it.
      if (got !== null && !issuer.served.some((f) => f.atMs > t - ttlMs - maxStaleMs && f.kids.has(k))) {
        throw new Error(`${where}: served a key that no fetch in the last ttl + maxStale = ${ttlMs + maxStaleMs} ms returned`);
      }
      const last = issuer.served.at(-1);
      // Stale-if-error, and rotation after at most one refetch: once a successful fetch returned
      // this kid, it is served — through outages — until that set is ttl + maxStale old,
      // unless the issuer has since dropped it. No second fetch may be needed to find it.
      if (got === null && issuer.kids.has(k) && last !== undefined && tEnd - last.atMs < ttlMs + maxStaleMs && last.kids.has(k)) {
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
      name: "at real magnitudes with the defaults (10 min ttl, 30 s cooldown, 1 h max stale, 50 ms fetches): a one-per-second forged-kid flood costs ≤ 1 + ceil(T / 30 s) fetches, a rotated-in kid is found one cooldown later, an outage serves the last keys until exactly ttl + maxStale, then fails closed",
      run: (make, ctx) =>
        check(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 300 }),
            fc.array(fc.oneof(fc.constantFrom(...ODD_KIDS), fc.string({ maxLength: 4 }).map((x) => `forged-${x}`)), { minLength: 1, maxLength: 8 }),
            fc.integer({ min: 0, max: 29_999 }),
            async (floodSec, forged, addAfterMs) => {
              const [ttlMs, cooldownMs, maxStaleMs] = [600_000, 30_000, 3_600_000];
              const issuer = new FakeIssuer();
              issuer.latencyMs = 50;
              const cache = make({ fetchJwks: issuer.fetchJwks, clock: issuer.clock });
              const expectKey = async (k: string, want: boolean, why: string): Promise<void> => {
                const got = await cache.getKey(k);
                const ok = want ? got !== null && got.kid === k && got.k === `secret-of-${k}` : got === null;
                if (!ok) throw new Error(`getKey(${JSON.stringify(k)}) at t=${issuer.nowMs} ms returned ${JSON.stringify(got)}; expected ${want ? "its key" : "null"}: ${why} (fetches started at ${issuer.fetches.join(",")})`);
              };
              await expectKey("A", true, "first use fetches the set");
              for (let i = 1; i <= floodSec; i++) {
                issuer.nowMs = i * 1000;
                await expectKey(forged[i % forged.length]!, false, "a forged kid is never served");
              }
              const bound = 1 + Math.ceil((floodSec * 1000 + issuer.latencyMs) / cooldownMs);
              if (issuer.fetches.length > bound) throw new Error(`a ${floodSec} s forged-kid flood at one request per second caused ${issuer.fetches.length} fetches (at ${issuer.fetches.join(",")}); the bound is 1 + ceil(T / 30 s) = ${bound}`);
              // Rotation: the set in the cache is fresh, yet a kid the issuer adds is found once it
              // has been published for a cooldown — an unknown kid refetches, not only a stale set.
              issuer.nowMs += addAfterMs;
              issuer.kids.add("C");
              const addedAt = issuer.nowMs;
              issuer.nowMs = addedAt + cooldownMs;
              await expectKey("C", true, `the issuer has published kid C since t=${addedAt}, one cooldown ago`);
              // Outage: keys keep working until the last good set is ttl + maxStale old.
              issuer.up = false;
              const lastGood = issuer.served.at(-1)!.atMs;
              // A 90 s forged-kid flood while the issuer is down: failed fetches start a cooldown too.
              const before = issuer.fetches.length;
              for (let i = 1; i <= 90; i++) {
                issuer.nowMs += 1000;
                await expectKey(forged[i % forged.length]!, false, "a forged kid is never served");
              }
              if (issuer.fetches.length - before > 1 + Math.ceil(90_000 / cooldownMs)) throw new Error(`a 90 s forged-kid flood while the issuer is down caused ${issuer.fetches.length - before} fetches; a failed fetch starts a cooldown too (bound ${1 + Math.ceil(90_000 / cooldownMs)})`);
              for (const at of [lastGood + ttlMs, lastGood + ttlMs + 1_800_000, lastGood + ttlMs + maxStaleMs - 1]) {
                issuer.nowMs = Math.max(issuer.nowMs, at);
                await expectKey("B", true, `the issuer is down and the last good set (fetched at ${lastGood}) is younger than ttl + maxStale`);
              }
              issuer.nowMs = lastGood + ttlMs + maxStaleMs;
              await expectKey("B", false, `the last good set (fetched at ${lastGood}) is exactly ttl + maxStale old: fail closed`);
              issuer.nowMs += 2 * 3_600_000;
              await expectKey("B", false, "still down two hours later");
            },
          ),
          ctx,
          { numRuns: 12 },
        ),
    },
    {
      name: "on a real clock, a fresh set answers its kids (`constructor` included) with no fetch for a whole ttl and is refetched at exactly ttl; an answer that is not a key set (null, {}, keys not an array) is a failed refresh: the last good keys are served until ttl + maxStale",
      run: (make, ctx) =>
        check(
          fc.asyncProperty(
            fc.constantFrom<Array<{ ttlMs: number; cooldownMs: number } | undefined>>(undefined, { ttlMs: 60_000, cooldownMs: 1_000 }, { ttlMs: 3_600_000, cooldownMs: 30_000 }),
            fc.nat({ max: JUNK.length - 1 }),
            fc.constantFrom(1_000, 999, 30_000),
            async (options, firstJunk, stepMs) => {
              const [ttlMs, cooldownMs, maxStaleMs] = [options?.ttlMs ?? 600_000, options?.cooldownMs ?? 30_000, 3_600_000];
              const issuer = new FakeIssuer();
              const t0 = 1_765_000_000_000;
              issuer.nowMs = t0;
              issuer.kids.add("constructor");
              const cache = make({ fetchJwks: issuer.fetchJwks, clock: issuer.clock, ...options });
              const expectKey = async (k: string, want: boolean, why: string): Promise<void> => {
                const got = await cache.getKey(k);
                const ok = want ? got !== null && got.kid === k && got.k === `secret-of-${k}` : got === null;
                if (!ok) throw new Error(`getKey(${JSON.stringify(k)}) at t0 + ${issuer.nowMs - t0} ms returned ${JSON.stringify(got)}; expected ${want ? "its key" : "null"}: ${why} (ttl ${ttlMs}, cooldown ${cooldownMs}; fetches at t0 + ${issuer.fetches.map((f) => f - t0).join(", ")})`);
              };
              const expectFetches = (n: number, why: string): void => {
                if (issuer.fetches.length !== n) throw new Error(`${issuer.fetches.length} fetches by t0 + ${issuer.nowMs - t0} ms (at t0 + ${issuer.fetches.map((f) => f - t0).join(", ")}); expected ${n}: ${why}`);
              };
              await expectKey("A", true, "first use fetches the set");
              const kids = ["A", "B", "constructor"];
              for (let t = t0 + stepMs, i = 0; t < t0 + ttlMs; t += stepMs, i++) {
                issuer.nowMs = t;
                await expectKey(kids[i % kids.length]!, true, "the issuer published this kid");
              }
              issuer.nowMs = t0 + ttlMs - 1;
              await expectKey("B", true, "the set is 1 ms short of ttl");
              expectFetches(1, "a fresh set that has the kid needs no fetch, however many cooldowns pass");
              // From here the issuer answers every body of JUNK in turn, one per refetch.
              issuer.junk = [...JUNK.slice(firstJunk), ...JUNK.slice(0, firstJunk)];
              issuer.nowMs = t0 + ttlMs;
              await expectKey("A", true, `the set is exactly ttl old, so it is refetched; the issuer answered ${JSON.stringify(issuer.junk[0])}, a failed refresh, so the last good keys are served`);
              expectFetches(2, "a set exactly ttl old is stale and refetched");
              for (let t = t0 + ttlMs + cooldownMs, i = 0; t < t0 + ttlMs + maxStaleMs; t += cooldownMs, i++) {
                issuer.nowMs = t;
                await expectKey(kids[i % kids.length]!, true, `the issuer answers bodies that are not key sets (this refetch: ${JSON.stringify(issuer.junk[(issuer.junkAnswers - 1) % issuer.junk.length])}): failed refreshes, and the last good set is younger than ttl + maxStale`);
              }
              issuer.nowMs = t0 + ttlMs + maxStaleMs - 1;
              await expectKey("constructor", true, "the last good set is 1 ms short of ttl + maxStale");
              issuer.nowMs = t0 + ttlMs + maxStaleMs;
              await expectKey("A", false, "the last good set is exactly ttl + maxStale old: fail closed");
              issuer.junk = null;
              issuer.nowMs += cooldownMs;
              await expectKey("A", true, "the issuer answers a key set again and a cooldown has passed");
            },
          ),
          ctx,
          { numRuns: 9 },
        ),
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
