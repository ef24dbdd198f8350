// Figures for ANSWER.md, measured on this platform. `node --no-node-snapshot --import tsx
// solutions/q5-edge-jwt/figures.ts --write` rewrites the block between the markers. The
// flood and revocation tables are seeded and exact (test/katas/q5-edge-jwt/answer.test.ts
// regenerates them); the verify timings are wall time and only structure-checked.
import type { webcrypto } from "node:crypto";
import * as jose from "jose";
import { KvStore } from "../../src/kv/index.js";
import { FIBRE_KM_PER_MS, greatCircleKm, popByCode, Rng, Simulation } from "../../src/sim/index.js";
import { type Jwk, JwksCache } from "./level-3-jwks-cache.js";
import { DoDenyList, KvDenyList } from "./level-4-revocation.js";
import { verifyJws, type JwsAlg } from "./level-1-verify-jws.js";
import { figuresMain } from "../lib/answer-figures.js";

const FLOOD_SECONDS = 600;
const FLOOD_REQUESTS_PER_SECOND = 20;
const COOLDOWN_MS = 30_000;
const TTL_MS = 600_000;

/** The naive cache: refetch whenever the kid is unknown. */
class NaiveJwksCache {
  #keys = new Map<string, Jwk>();
  constructor(readonly fetchJwks: () => Promise<{ keys: Jwk[] }>) {}
  async getKey(kid: string): Promise<Jwk | null> {
    if (!this.#keys.has(kid)) this.#keys = new Map((await this.fetchJwks()).keys.map((k) => [k.kid ?? "", k]));
    return this.#keys.get(kid) ?? null;
  }
}

/** Forged-kid flood: Poisson arrivals, 1 request in 10 carries the real kid. Seeded. */
export async function floodFigures(seed = 42): Promise<{ requests: number; cooldown: number; naive: number; bound: number }> {
  const rng = new Rng(seed).fork("forged-kid-flood");
  const times: number[] = [];
  for (let t = 0; t < FLOOD_SECONDS * 1000; ) {
    t += Math.max(0, Math.round(rng.exponential(1000 / FLOOD_REQUESTS_PER_SECOND)));
    if (t < FLOOD_SECONDS * 1000) times.push(t);
  }
  const kids = times.map((_, i) => (rng.bool(0.1) ? "real" : `forged-${i}`));
  const run = async (make: (fetch: () => Promise<{ keys: Jwk[] }>, clock: { nowMs(): number }) => { getKey(kid: string): Promise<Jwk | null> }): Promise<number> => {
    let nowMs = 0;
    let fetches = 0;
    const cache = make(async () => {
      fetches++;
      return { keys: [{ kty: "EC", kid: "real" }] };
    }, { nowMs: () => nowMs });
    for (let i = 0; i < times.length; i++) {
      nowMs = times[i]!;
      await cache.getKey(kids[i]!);
    }
    return fetches;
  };
  const cooldown = await run((fetchJwks, clock) => new JwksCache({ fetchJwks, clock, cooldownMs: COOLDOWN_MS, ttlMs: TTL_MS }));
  const naive = await run((fetchJwks) => new NaiveJwksCache(fetchJwks));
  const spanMs = times.at(-1)! - times[0]!;
  return { requests: times.length, cooldown, naive, bound: 1 + Math.ceil(spanMs / COOLDOWN_MS) };
}

const REVOCATION_POPS = ["LHR", "IAD", "NRT", "SYD", "GRU", "JNB"] as const;
const START_MS = 1_800_000_000_000;

/**
 * Revocation visibility: every PoP checked the token just before it was revoked at LHR (so
 * each holds a cached "not revoked"), then polls once a second. KV pushes nothing: each PoP
 * sees the entry when its cached answer times out.
 */
export async function revocationFigures(seed = 7): Promise<Array<{ pop: string; kvMs: number; doMs: number; doRttMs: number }>> {
  const sim = new Simulation({ seed, startMs: START_MS, trace: false });
  const ns = new KvStore({ clock: sim.clock, rng: sim.rng, pops: REVOCATION_POPS }).namespace("REVOKED");
  const doStorage = new Map<string, unknown>();
  const storage = { get: async (k: string): Promise<unknown> => doStorage.get(k), put: async (k: string, v: unknown): Promise<void> => void doStorage.set(k, v) };
  const secret = new Uint8Array(32).fill(7);
  const token = await new jose.SignJWT({ sub: "u", jti: "stolen", exp: START_MS / 1000 + 3600 }).setProtectedHeader({ alg: "HS256" }).sign(secret);
  const kv = REVOCATION_POPS.map((p) => new KvDenyList(ns.atPop(p), sim.clock));
  const durable = REVOCATION_POPS.map(() => new DoDenyList(storage, sim.clock));
  for (const list of [...kv, ...durable]) await list.isRevoked(token);
  await kv[0]!.revoke(token);
  await durable[0]!.revoke(token);
  const home = popByCode("LHR");
  const out: Array<{ pop: string; kvMs: number; doMs: number; doRttMs: number }> = [];
  const seenKv = new Map<number, number>();
  const seenDo = new Map<number, number>();
  for (let t = 0; t <= 200_000 && seenKv.size < REVOCATION_POPS.length; t += 1000) {
    await sim.runAsync(START_MS + t);
    for (let i = 0; i < REVOCATION_POPS.length; i++) {
      if (!seenKv.has(i) && (await kv[i]!.isRevoked(token))) seenKv.set(i, t);
      if (!seenDo.has(i) && (await durable[i]!.isRevoked(token))) seenDo.set(i, t);
    }
  }
  REVOCATION_POPS.forEach((pop, i) => {
    const here = popByCode(pop);
    const km = home !== undefined && here !== undefined ? greatCircleKm(home, here) : 0;
    out.push({ pop, kvMs: seenKv.get(i) ?? Number.NaN, doMs: seenDo.get(i) ?? Number.NaN, doRttMs: Math.round((2 * km) / FIBRE_KM_PER_MS) });
  });
  return out;
}

/** Wall-time cost of verifyJws (level 1) per token, after warm-up. */
export async function verifyCosts(iterations = 400): Promise<Array<{ alg: JwsAlg; us: number }>> {
  const out: Array<{ alg: JwsAlg; us: number }> = [];
  for (const alg of ["HS256", "RS256", "ES256"] as const) {
    const keys = alg === "HS256" ? await jose.generateSecret(alg) : await jose.generateKeyPair(alg);
    const signKey = "privateKey" in keys ? keys.privateKey : keys;
    const verifyKey = "publicKey" in keys ? keys.publicKey : keys;
    const token = await new jose.SignJWT({ sub: "bench", exp: 2_000_000_000 }).setProtectedHeader({ alg }).sign(signKey);
    for (let i = 0; i < 50; i++) await verifyJws(token, alg, verifyKey as webcrypto.CryptoKey);
    const started = performance.now();
    for (let i = 0; i < iterations; i++) {
      if ((await verifyJws(token, alg, verifyKey as webcrypto.CryptoKey)) === null) throw new Error(`${alg} bench token did not verify`);
    }
    out.push({ alg, us: Math.round(((performance.now() - started) * 1000) / iterations) });
  }
  return out;
}

/** The seeded, exact tables (checked by answer.test.ts). */
export async function deterministicFigures(): Promise<string> {
  const flood = await floodFigures();
  const rev = await revocationFigures();
  return [
    `**Forged-kid flood** (seed 42): ${flood.requests} requests over ${FLOOD_SECONDS} s, 90 % with a random kid.`,
    "",
    "| JWKS cache | issuer fetches |",
    "|---|---|",
    `| naive (refetch on every unknown kid) | ${flood.naive} |`,
    `| cooldown ${COOLDOWN_MS / 1000} s, ttl ${TTL_MS / 60_000} min (level 3) | ${flood.cooldown} |`,
    `| bound 1 + ⌈T / cooldown⌉ | ${flood.bound} |`,
    "",
    "**Revocation visibility** (seed 7): revoked at LHR; every PoP had cached \"not revoked\" just before; polled each second.",
    "",
    "| PoP | KV deny list: revoked after | DO deny list: revoked after | DO cost per check (RTT to LHR) |",
    "|---|---|---|---|",
    ...rev.map((r) => `| ${r.pop} | ${r.kvMs / 1000} s | ${r.doMs / 1000} s | ~${r.doRttMs} ms |`),
  ].join("\n");
}

export async function figures(): Promise<string> {
  const costs = await verifyCosts();
  return [
    await deterministicFigures(),
    "",
    "**Verify cost per token** (level 1 `verifyJws`, WebCrypto on Node 20, this machine; wall time):",
    "",
    "| alg | µs per token |",
    "|---|---|",
    ...costs.map((c) => `| ${c.alg} | ${c.us} µs |`),
  ].join("\n");
}

await figuresMain(import.meta.url, figures);
