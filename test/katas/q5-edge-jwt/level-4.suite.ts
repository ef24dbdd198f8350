import fc from "fast-check";
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { KV_CACHE_TTL_SECONDS_DEFAULT, KvStore } from "../../../src/kv/index.js";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { Simulation } from "../../../src/sim/index.js";
import { type Alg, b64, keyFor, signRaw, suiteKeys } from "./issuer.js";

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
  /** How many entries the object holds (for "stores nothing"). */
  get size(): number {
    return this.#data.size;
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

/** Spellings of the signature a lenient verifier also accepts: `=` padding and whitespace inside (jose), `+` `/` for `-` `_` (Node's Buffer). */
export function joseSpellings(token: string): string[] {
  const [h, p, s] = token.split(".") as [string, string, string];
  const pad = "=".repeat((4 - (s.length % 4)) % 4);
  const out = [`${h}.${p}.${s}${pad}`, `${h}.${p}.${s.replace(/-/g, "+").replace(/_/g, "/")}`, `${h}.${p}.${s.slice(0, 5)}\n${s.slice(5)}`, `${h}.${p}.${s.slice(0, 9)} ${s.slice(9)}`];
  return out.filter((v) => v !== token);
}

/** A jti-less token signed with `alg` whose signature holds both `-` and `_` (so `+` `/` spell it differently). */
async function tokenWithDashAndUnderscore(alg: Alg, nonce: number): Promise<string> {
  const key = keyFor(await suiteKeys(), alg);
  for (let n = nonce; n < nonce + 500; n++) {
    const token = await signRaw(key, {}, { sub: `user-${n}`, exp: START_MS / 1000 + 3600, n });
    const sig = token.split(".")[2]!;
    if (sig.includes("-") && sig.includes("_")) return token;
  }
  throw new Error(`suite bug: no ${alg} signature with - and _`);
}

/** jti values that break a plain-object index or a careless key scheme. */
const ODD_JTIS = ["__proto__", "constructor", "toString", "ü🔑", "a:b", "sig:x"];

export async function issueToken(withJti: boolean | string, lifetimeSec: number, nonce: number): Promise<string> {
  const key = keyFor(await suiteKeys(), "HS256");
  const claims: Record<string, unknown> = { sub: `user-${nonce}`, exp: START_MS / 1000 + lifetimeSec, n: nonce };
  if (withJti !== false) claims.jti = typeof withJti === "string" ? withJti : `jti-${nonce}`;
  return signRaw(key, {}, claims);
}

/**
 * Tokens nobody can parse as a lenient verifier would (three segments, a payload that decodes,
 * pad bits ignored, to a JSON object, a non-empty signature): each must read as revoked, and
 * revoking one must resolve without storing anything.
 */
export async function unparseableTokens(): Promise<string[]> {
  const [h, p, sig] = (await issueToken(true, 600, 7)).split(".") as [string, string, string];
  const enc = (text: string): string => b64(new TextEncoder().encode(text));
  return ["", "garbage", `${h}.${p}`, `${h}.${p}.${sig}.${sig}`, `${h}.${enc("not json")}.${sig}`, `${h}.${enc("[1,2]")}.${sig}`, `${h}.${enc("null")}.${sig}`, `${h}.${enc('"jti"')}.${sig}`, `${h}..${sig}`, `${h}.!!!.${sig}`, `${h}.${p}.`, `${h}.${p}.${sig.slice(0, -2)}!!`, `${h}.${p}.${sig.slice(0, 8)}=${sig.slice(8)}`];
}

const scenario = fc.record({
  withJti: fc.oneof(fc.boolean(), fc.constantFrom(...ODD_JTIS)),
  // From seconds (shorter than KV's 60 s minimum expirationTtl) to a day.
  lifetimeSec: fc.oneof(fc.integer({ min: 1, max: 59 }), fc.constantFrom(60, 61, 3600), fc.integer({ min: 300, max: 7200 }), fc.integer({ min: 7200, max: 86_400 })),
  // Revoke in any spelling jose accepts: every spelling must then read as revoked.
  revokeSpelling: fc.nat({ max: 3 }),
  revokeAtMs: fc.integer({ min: 0, max: 5_000 }),
  revokePop: fc.integer({ min: 0, max: POPS.length - 1 }),
  preReads: fc.array(fc.record({ pop: fc.integer({ min: 0, max: POPS.length - 1 }), atMs: fc.integer({ min: 0, max: 5_000 }) }), { maxLength: 6 }),
  checks: fc.array(
    fc.record({
      pop: fc.integer({ min: 0, max: POPS.length - 1 }),
      // Biased to the interesting instants: right after the write, around the bound, long after.
      afterMs: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: KV_VISIBILITY_MS_MAX - 2_000, max: KV_VISIBILITY_MS_MAX + 10_000 }), fc.integer({ min: 0, max: 400_000 })),
      spelling: fc.nat({ max: 3 }),
      // Some checks sit just before the token's exp: the entry must outlive the token.
      nearExp: fc.boolean(),
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
  // Another token: its jti (RFC 7519 §4.1.7: unique per token) differs from the revoked one.
  const bystander = await issueToken(typeof s.withJti === "string" ? `${s.withJti}.2` : s.withJti, s.lifetimeSec, s.seed + 1);
  const names = spellings(token);
  const events: Array<{ atMs: number; act: () => Promise<void> }> = [];
  for (const r of s.preReads) events.push({ atMs: r.atMs, act: async () => void (await lists[r.pop]!.isRevoked(token)) });
  const revokedAt = START_MS + s.revokeAtMs;
  events.push({ atMs: s.revokeAtMs + 0.5, act: () => lists[s.revokePop]!.revoke(names[s.revokeSpelling % names.length]!) });
  const expMs = START_MS + s.lifetimeSec * 1000;
  const bystanderNames = spellings(bystander);
  for (const c of s.checks) {
    const atMs = c.nearExp ? Math.max(s.revokeAtMs + 1, s.lifetimeSec * 1000 - 1 - (c.afterMs % 2_000)) : s.revokeAtMs + 1 + c.afterMs;
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
        const other = bystanderNames[c.spelling % bystanderNames.length]!;
        if (await lists[c.pop]!.isRevoked(other)) throw new Error(`${kind}: a token that was never revoked is reported revoked at ${POPS[c.pop]}${other !== bystander ? " (spelled with different pad bits, which jose accepts)" : ""}`);
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
      name: "an unparseable token reads as revoked, in KV and in a DO, and revoking one resolves",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom<Kind>("kv", "durable"), fc.nat(), async (kind, pick) => {
            const sim = new Simulation({ seed: 1, startMs: START_MS, trace: false });
            const ns = new KvStore({ clock: sim.clock, rng: sim.rng, pops: POPS }).namespace("REVOKED").atPop("LHR");
            const storage = new SingleObjectStorage();
            const list = kind === "kv" ? impl.kv(ns, sim.clock) : impl.durable(storage, sim.clock);
            const bad = await unparseableTokens();
            for (let i = 0; i < bad.length; i++) {
              const token = bad[(i + pick) % bad.length]!;
              if (!(await list.isRevoked(token))) throw new Error(`${kind}: isRevoked(${JSON.stringify(token)}) is false before anything was revoked; a token that cannot be parsed counts as revoked`);
              await list.revoke(token);
              if (!(await list.isRevoked(token))) throw new Error(`${kind}: isRevoked(${JSON.stringify(token)}) is false; a token that cannot be parsed must count as revoked`);
            }
            const stored = kind === "kv" ? (await ns.list()).keys.map((k) => k.name) : storage.size;
            if (kind === "kv" ? (stored as string[]).length > 0 : stored !== 0) throw new Error(`${kind}: revoking unparseable tokens stored ${JSON.stringify(stored)}; it must store nothing`);
          }),
          ctx,
          { numRuns: 4 },
        ),
    },
    {
      name: "keys: an entry `jti:<jti>` written by anyone revokes that token only; an empty jti counts as none; a revocation made in any spelling a lenient verifier accepts (`=`, whitespace, `+` `/`) covers every other",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...ODD_JTIS, "jti-1", "a"), fc.constantFrom<Alg>("HS256", "ES256"), fc.nat({ max: 1000 }), async (jti, alg, nonce) => {
            const clock = { nowMs: () => START_MS };
            const admin = new SingleObjectStorage();
            await admin.put(`jti:${jti}`, true);
            const listed = impl.durable(admin, clock);
            if (!(await listed.isRevoked(await issueToken(jti, 600, nonce)))) throw new Error(`an entry "jti:${jti}" put in storage by an admin tool does not revoke the token whose jti is ${JSON.stringify(jti)}; a non-empty jti is keyed jti:<jti>`);
            if (await listed.isRevoked(await issueToken(`${jti}.2`, 600, nonce + 1))) throw new Error(`an entry "jti:${jti}" revokes a token whose jti is ${JSON.stringify(`${jti}.2`)}`);
            const empty = impl.durable(new SingleObjectStorage(), clock);
            const [a, b] = [await issueToken("", 600, nonce), await issueToken("", 600, nonce + 1)];
            await empty.revoke(a);
            if (!(await empty.isRevoked(a))) throw new Error('a revoked token whose jti is "" reads as not revoked');
            if (await empty.isRevoked(b)) throw new Error('revoking one token whose jti is "" revoked another: an empty jti counts as none (key on the signature)');
            const token = await tokenWithDashAndUnderscore(alg, nonce);
            const bystander = await tokenWithDashAndUnderscore(alg, nonce + 600);
            for (const spelled of joseSpellings(token)) {
              const list = impl.durable(new SingleObjectStorage(), clock);
              await list.revoke(spelled);
              for (const t of [token, ...joseSpellings(token)]) {
                if (!(await list.isRevoked(t))) throw new Error(`revoked as ${JSON.stringify(spelled)} (a spelling a lenient verifier accepts), yet ${JSON.stringify(t)} reads as not revoked`);
              }
              for (const t of [bystander, ...joseSpellings(bystander)]) {
                if (await list.isRevoked(t)) throw new Error(`revoking ${JSON.stringify(spelled)} also revoked another token, ${JSON.stringify(t)}`);
              }
            }
          }),
          ctx,
          { numRuns: 10 },
        ),
    },
    {
      name: "a thousand jti-less tokens: revoking half never revokes one of the others (no key collisions)",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.constant(1000), async (n) => {
            const key = keyFor(await suiteKeys(), "HS256");
            const list = impl.durable(new SingleObjectStorage(), { nowMs: () => START_MS });
            const tokens = await Promise.all(Array.from({ length: n }, (_, i) => signRaw(key, {}, { sub: `user-${i}`, exp: START_MS / 1000 + 600 })));
            for (const t of tokens.slice(0, n / 2)) await list.revoke(t);
            for (const t of tokens.slice(n / 2)) if (await list.isRevoked(t)) throw new Error(`after revoking ${n / 2} jti-less tokens, another one reads as revoked: ${t}`);
          }),
          ctx,
          { numRuns: 1 },
        ),
    },
    {
      name: "KV entries expire: not before the token's exp, at most 60 s after the later of exp and the revocation",
      run: (impl, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(1, 59, 60, 61, 3600, 86_400), fc.constantFrom(0, 1_000, 59_999), fc.boolean(), async (lifetimeSec, revokeAfterMs, withJti) => {
            const sim = new Simulation({ seed: 1, startMs: START_MS, trace: false });
            const ns = new KvStore({ clock: sim.clock, rng: sim.rng, pops: POPS }).namespace("REVOKED").atPop("LHR");
            const list = impl.kv(ns, sim.clock);
            const token = await issueToken(withJti, lifetimeSec, lifetimeSec);
            const atMs = Math.min(START_MS + revokeAfterMs, START_MS + lifetimeSec * 1000 - 1);
            await sim.runAsync(atMs);
            await list.revoke(token);
            const keys = (await ns.list()).keys;
            const expSec = START_MS / 1000 + lifetimeSec;
            const latest = Math.max(expSec, atMs / 1000) + 60;
            if (keys.length !== 1 || keys[0]!.expiration === undefined || keys[0]!.expiration < expSec || keys[0]!.expiration > latest) {
              throw new Error(`revoked at exp − ${(expSec * 1000 - atMs) / 1000} s a token living ${lifetimeSec} s: KV holds ${JSON.stringify(keys)}; expected one entry expiring between exp (${expSec}) and ${latest}`);
            }
          }),
          ctx,
          { numRuns: 12 },
        ),
    },
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
