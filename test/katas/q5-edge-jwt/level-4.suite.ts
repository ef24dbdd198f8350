import fc from "fast-check";
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { KV_CACHE_TTL_SECONDS_DEFAULT, KvStore } from "../../../src/kv/index.js";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { Simulation } from "../../../src/sim/index.js";
import { keyFor, signRaw, suiteKeys } from "./issuer.js";

interface DenyList {
  revoke(token: string): Promise<void>;
  isRevoked(token: string): Promise<boolean>;
}
interface Storage {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}
interface Impl {
  kv(kv: KvNamespaceApi, clock: { nowMs(): number }): DenyList;
  durable(storage: Storage, clock: { nowMs(): number }): DenyList;
}

export const POPS = ["LHR", "IAD", "NRT", "SYD", "GRU"] as const;
export const START_MS = 1_800_000_000_000;
/**
 * KV pushes nothing: a PoP that cached "not revoked" just before the write keeps serving it
 * until the copy is as old as the read's cacheTtl. Read with at most KV's default (60 s), every
 * PoP — the revoking one too, which usually but not always sees its own write — says
 * "revoked" within 60 s.
 */
export const KV_VISIBILITY_MS_MAX = KV_CACHE_TTL_SECONDS_DEFAULT * 1000;

/** One Durable Object's storage, shared by every PoP that calls it; each call yields. */
export class SingleObjectStorage implements Storage {
  readonly #data = new Map<string, unknown>();
  async get(key: string): Promise<unknown> {
    await Promise.resolve();
    return this.#data.get(key);
  }
  async put(key: string, value: unknown): Promise<void> {
    await Promise.resolve();
    this.#data.set(key, structuredClone(value));
  }
}

/** Other spellings of the same signed token that a lenient verifier (jose) accepts. */
export function spellings(token: string): string[] {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const [h, p, s] = token.split(".") as [string, string, string];
  const padBits = (s.length * 6) % 8;
  const last = alphabet.indexOf(s.at(-1)!);
  const out = [token];
  for (let low = 1; low < 1 << padBits; low++) out.push(`${h}.${p}.${s.slice(0, -1)}${alphabet[(last & ~((1 << padBits) - 1)) | low]}`);
  return out;
}

export async function issueToken(withJti: boolean, lifetimeSec: number, nonce: number): Promise<string> {
  const key = keyFor(await suiteKeys(), "HS256");
  const claims: Record<string, unknown> = { sub: `user-${nonce}`, exp: START_MS / 1000 + lifetimeSec, n: nonce };
  if (withJti) claims.jti = `jti-${nonce}`;
  return signRaw(key, {}, claims);
}

const scenario = fc.record({
  withJti: fc.boolean(),
  lifetimeSec: fc.integer({ min: 300, max: 7200 }),
  revokeAtMs: fc.integer({ min: 0, max: 5_000 }),
  revokePop: fc.integer({ min: 0, max: POPS.length - 1 }),
  preReads: fc.array(fc.record({ pop: fc.integer({ min: 0, max: POPS.length - 1 }), atMs: fc.integer({ min: 0, max: 5_000 }) }), { maxLength: 6 }),
  checks: fc.array(
    fc.record({
      pop: fc.integer({ min: 0, max: POPS.length - 1 }),
      // Biased to the interesting instants: right after the write, around the bound, long after.
      afterMs: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: KV_VISIBILITY_MS_MAX - 2_000, max: KV_VISIBILITY_MS_MAX + 10_000 }), fc.integer({ min: 0, max: 400_000 })),
      spelling: fc.nat({ max: 3 }),
    }),
    { minLength: 1, maxLength: 10 },
  ),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
type Kind = "kv" | "durable";
async function runScenario(impl: Impl, kind: Kind, s: Scenario): Promise<void> {
  const sim = new Simulation({ seed: s.seed, startMs: START_MS, trace: false });
  const store = new KvStore({ clock: sim.clock, rng: sim.rng, pops: POPS });
  const ns = store.namespace("REVOKED");
  const storage = new SingleObjectStorage();
  const lists = POPS.map((pop) => (kind === "kv" ? impl.kv(ns.atPop(pop), sim.clock) : impl.durable(storage, sim.clock)));
  const token = await issueToken(s.withJti, s.lifetimeSec, s.seed);
  const bystander = await issueToken(s.withJti, s.lifetimeSec, s.seed + 1);
  const names = spellings(token);
  const events: Array<{ atMs: number; act: () => Promise<void> }> = [];
  for (const r of s.preReads) events.push({ atMs: r.atMs, act: async () => void (await lists[r.pop]!.isRevoked(token)) });
  const revokedAt = START_MS + s.revokeAtMs;
  events.push({ atMs: s.revokeAtMs + 0.5, act: () => lists[s.revokePop]!.revoke(token) });
  const expMs = START_MS + s.lifetimeSec * 1000;
  for (const c of s.checks) {
    const atMs = s.revokeAtMs + 1 + c.afterMs;
    events.push({
      atMs,
      act: async () => {
        const now = START_MS + atMs;
        if (now >= expMs) return;
        const spelling = names[c.spelling % names.length]!;
        const revoked = await lists[c.pop]!.isRevoked(spelling);
        const since = now - revokedAt;
        const must = kind === "durable" || since >= KV_VISIBILITY_MS_MAX;
        if (must && !revoked) {
          throw new Error(`${kind}: token revoked at ${POPS[s.revokePop]} ${since} ms earlier is still accepted at ${POPS[c.pop]}${spelling !== token ? " (spelled with different pad bits)" : ""}; ${kind === "kv" ? `bound ${KV_VISIBILITY_MS_MAX} ms` : "a Durable Object must be strongly consistent"}`);
        }
        if (await lists[c.pop]!.isRevoked(bystander)) throw new Error(`${kind}: a token that was never revoked is reported revoked at ${POPS[c.pop]}`);
      },
    });
  }
  events.sort((a, b) => a.atMs - b.atMs);
  for (const e of events) {
    await sim.runAsync(START_MS + Math.floor(e.atMs));
    await e.act();
  }
}

export const suite = defineLevel<Impl>({
  kata: "q5-edge-jwt",
  level: 4,
  load: (m) => {
    const Kv = requireExport<new (kv: KvNamespaceApi, clock: { nowMs(): number }) => DenyList>(m, "KvDenyList", "class");
    const Do = requireExport<new (s: Storage, clock: { nowMs(): number }) => DenyList>(m, "DoDenyList", "class");
    return { kv: (kv, clock) => new Kv(kv, clock), durable: (s, clock) => new Do(s, clock) };
  },
  probe: async (impl) => impl.durable(new SingleObjectStorage(), { nowMs: () => START_MS }).isRevoked(await issueToken(true, 600, 1)),
  properties: [
    {
      name: "DO: a revoked token (in any spelling jose accepts) is rejected at every PoP at once; other tokens never are",
      run: (impl, ctx) => check(fc.asyncProperty(scenario, (s) => runScenario(impl, "durable", s)), ctx, { numRuns: 40 }),
    },
    {
      name: "KV: a revoked token is rejected at every PoP, the revoking one included, within 60 s (KV's default cacheTtl), until it expires",
      run: (impl, ctx) => check(fc.asyncProperty(scenario, (s) => runScenario(impl, "kv", s)), ctx, { numRuns: 40 }),
    },
  ],
});
