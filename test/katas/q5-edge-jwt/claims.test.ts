import fc from "fast-check";
import * as jose from "jose";
import { describe, expect, it } from "vitest";
import { KvStore } from "../../../src/kv/index.js";
import { Simulation } from "../../../src/sim/index.js";
import { KvDenyList } from "../../../solutions/q5-edge-jwt/level-4-revocation.js";
import { keyFor, suiteKeys } from "./issuer.js";
import { issueToken, KV_VISIBILITY_MS_MAX, POPS, spellings, START_MS } from "./level-4.suite.js";

// Popular claims the README calls false, each refuted by a counter-example found here.
describe("q5 claims", () => {
  it("jose accepts 15 other last characters of an RS256 signature: the raw token is not an identity", async () => {
    const key = keyFor(await suiteKeys(), "RS256");
    const token = await new jose.SignJWT({ sub: "a" }).setProtectedHeader({ alg: "RS256" }).sign(key.signKey);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const [h, p, s] = token.split(".") as [string, string, string];
    let accepted = 0;
    for (const c of alphabet) {
      if (c === s.at(-1)) continue;
      const variant = `${h}.${p}.${s.slice(0, -1)}${c}`;
      if (await jose.jwtVerify(variant, key.verifyKey).then(() => true, () => false)) accepted++;
    }
    // 256 bytes = 342 characters carry 2052 bits; the last 4 are padding, so 2^4 - 1 others.
    expect(accepted).toBe(15);
    expect(spellings(token)).toHaveLength(16);
  });

  it("jose accepts a token without exp unless exp is required", async () => {
    const key = keyFor(await suiteKeys(), "ES256");
    const token = await new jose.SignJWT({ sub: "forever" }).setProtectedHeader({ alg: "ES256" }).sign(key.signKey);
    await expect(jose.jwtVerify(token, key.verifyKey)).resolves.toBeDefined();
    await expect(jose.jwtVerify(token, key.verifyKey, { requiredClaims: ["exp"] })).rejects.toThrow();
  });

  it("'revocation in KV is immediate' is false: the suite finds a PoP that still accepts a revoked token", async () => {
    let found: { pop: string; afterMs: number } | undefined;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: POPS.length - 1 }), fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 1, max: KV_VISIBILITY_MS_MAX - 1 }), async (seed, pop, checkedBeforeMs, afterMs) => {
        const sim = new Simulation({ seed, startMs: START_MS, trace: false });
        const ns = new KvStore({ clock: sim.clock, rng: sim.rng, pops: POPS }).namespace("REVOKED");
        const token = await issueToken(true, 3600, seed);
        // The PoP checked the token a little before the revocation, as a busy PoP would have.
        const list = new KvDenyList(ns.atPop(POPS[pop]!), sim.clock);
        expect(await list.isRevoked(token)).toBe(false);
        await sim.runAsync(START_MS + checkedBeforeMs);
        await new KvDenyList(ns.atPop(POPS[0]), sim.clock).revoke(token);
        await sim.runAsync(START_MS + checkedBeforeMs + afterMs);
        if (!(await list.isRevoked(token))) {
          found = { pop: POPS[pop]!, afterMs };
          return false;
        }
        return true;
      }),
      { seed: 5, numRuns: 50 },
    ).catch(() => undefined);
    expect(found, "a PoP that still serves its cached 'not revoked'").toBeDefined();
    expect(found!.afterMs).toBeLessThan(KV_VISIBILITY_MS_MAX);
  });
});
