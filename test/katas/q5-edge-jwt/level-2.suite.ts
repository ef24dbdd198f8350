import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { ALGS, type Alg, hmacForge, keyFor, type KeyPairFor, signRaw, suiteKeys } from "./issuer.js";

interface VerificationKey {
  kty: "oct" | "RSA" | "EC";
  bytes: Uint8Array;
}
interface Policy {
  algorithms: string[];
  issuer: string;
  audience: string;
  typ?: string;
  leewaySec: number;
  criticalHeaders?: string[];
}
type Verify = (token: string, key: VerificationKey, policy: Policy, nowMs: number) => Promise<{ ok: boolean }>;

const ISSUER = "https://login.example.com";
const AUDIENCE = "api.example.com";
const NOW_SEC = 1_800_000_000;

/** How a token is built; the model decides acceptance from this, never by parsing the token. */
interface Spec {
  keyAlg: Alg;
  signing: "right-key" | "other-key" | "none" | "hs-with-public-key" | "wrong-type-key";
  policyAlgs: string[];
  leewaySec: number;
  nowMs: number;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  policyTyp: string | undefined;
  criticalHeaders: string[];
}

const KTY: Record<Alg, "oct" | "RSA" | "EC"> = { HS256: "oct", RS256: "RSA", ES256: "EC" };

/** Independent model of RFC 7519/7515/8725 acceptance, written as a list of rules. */
function modelAccepts(s: Spec): boolean {
  const headerAlg = s.signing === "none" ? "none" : s.signing === "hs-with-public-key" ? "HS256" : s.signing === "wrong-type-key" ? "other" : s.keyAlg;
  // With an HS256 key, "signing with the key bytes" is simply the legitimate signature.
  const sigOk = s.signing === "right-key" || (s.signing === "hs-with-public-key" && s.keyAlg === "HS256");
  const now = s.nowMs / 1000;
  const c = s.claims;
  const num = (v: unknown): v is number => typeof v === "number";
  const rules = [
    sigOk && s.policyAlgs.includes(headerAlg),
    s.policyTyp === undefined || s.header.typ === s.policyTyp,
    s.header.crit === undefined ||
      (Array.isArray(s.header.crit) && s.header.crit.length > 0 && s.header.crit.every((n) => typeof n === "string" && s.criticalHeaders.includes(n) && n in s.header)),
    num(c.exp) && now < c.exp + s.leewaySec,
    c.nbf === undefined || (num(c.nbf) && now >= c.nbf - s.leewaySec),
    c.iat === undefined || (num(c.iat) && c.iat <= now + s.leewaySec),
    c.iss === ISSUER,
    c.aud === AUDIENCE || (Array.isArray(c.aud) && c.aud.includes(AUDIENCE)),
  ];
  return rules.every(Boolean);
}

/** Times within two seconds of every boundary, with sub-second clocks. */
const offset = (leeway: number): fc.Arbitrary<number> => fc.oneof(fc.integer({ min: -leeway - 2, max: -leeway + 2 }), fc.integer({ min: leeway - 2, max: leeway + 2 }), fc.integer({ min: -3, max: 3 }), fc.constantFrom(-3600, 3600));

type Perturb = (s: Spec) => fc.Arbitrary<Spec>;
const perturbations: Perturb[] = [
  (s) => offset(s.leewaySec).map((d) => ({ ...s, claims: { ...s.claims, exp: NOW_SEC + d } })),
  (s) => fc.constantFrom(undefined, "1900000000", NOW_SEC * 1000).map((exp) => ({ ...s, claims: { ...s.claims, exp } })),
  (s) => offset(s.leewaySec).map((d) => ({ ...s, claims: { ...s.claims, nbf: NOW_SEC + d } })),
  (s) => offset(s.leewaySec).map((d) => ({ ...s, claims: { ...s.claims, iat: NOW_SEC + d } })),
  (s) => fc.constantFrom(`${ISSUER}.evil.net`, `${ISSUER}/`, "https://login.example", ISSUER.toUpperCase(), undefined).map((iss) => ({ ...s, claims: { ...s.claims, iss } })),
  (s) =>
    fc
      .constantFrom<unknown>(`${AUDIENCE}.evil.net`, "api.example", [`${AUDIENCE}.evil.net`], ["other", AUDIENCE], ["other"], [], undefined, `x${AUDIENCE}`)
      .map((aud) => ({ ...s, claims: { ...s.claims, aud } })),
  (s) => fc.constantFrom<Spec["signing"]>("other-key", "none", "hs-with-public-key", "wrong-type-key").map((signing) => ({ ...s, signing })),
  (s) => fc.constantFrom("JWT", "at+jwt", undefined).chain((typ) => fc.constantFrom("at+jwt", undefined).map((policyTyp) => ({ ...s, policyTyp, header: { ...s.header, typ } }))),
  (s) =>
    fc
      .constantFrom<[string[], string[]]>([["ext"], ["ext"]], [["ext"], []], [["unknown"], ["ext"]], [["ext", "unknown"], ["ext"]])
      .map(([crit, known]) => ({ ...s, criticalHeaders: known, header: { ...s.header, crit, ext: 1, unknown: 2 } })),
];

const spec: fc.Arbitrary<Spec> = fc
  .record({
    keyAlg: fc.constantFrom<Alg>(...ALGS),
    extraAlgs: fc.subarray(["HS256", "RS256", "ES256", "none"]),
    leewaySec: fc.constantFrom(0, 0, 1, 5, 60),
    fracMs: fc.constantFrom(0, 0, 1, 500, 999),
    sub: fc.string({ maxLength: 6 }),
  })
  .map(({ keyAlg, extraAlgs, leewaySec, fracMs, sub }): Spec => ({
    keyAlg,
    signing: "right-key",
    policyAlgs: [keyAlg, ...extraAlgs],
    leewaySec,
    nowMs: NOW_SEC * 1000 + fracMs,
    header: { typ: "at+jwt" },
    claims: { sub, iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 300, iat: NOW_SEC - 10 },
    policyTyp: "at+jwt",
    criticalHeaders: [],
  }))
  .chain((base) => fc.oneof({ arbitrary: fc.constant(base), weight: 1 }, { arbitrary: fc.constantFrom(...perturbations).chain((p) => p(base)), weight: 6 }))
  .chain((s) => fc.oneof({ arbitrary: fc.constant(s), weight: 3 }, { arbitrary: fc.constantFrom(...perturbations).chain((p) => p(s)), weight: 1 }));

function verificationKey(k: KeyPairFor): VerificationKey {
  return { kty: KTY[k.alg], bytes: k.keyBytes };
}

async function build(s: Spec): Promise<{ token: string; key: VerificationKey }> {
  const keys = await suiteKeys();
  const key = keyFor(keys, s.keyAlg, 0);
  const claims = Object.fromEntries(Object.entries(s.claims).filter(([, v]) => v !== undefined));
  const header = Object.fromEntries(Object.entries(s.header).filter(([, v]) => v !== undefined));
  let token: string;
  switch (s.signing) {
    case "right-key":
      token = await signRaw(key, header, claims);
      break;
    case "other-key":
      token = await signRaw(keyFor(keys, s.keyAlg, 1), header, claims);
      break;
    case "none": {
      const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");
      token = `${enc({ ...header, alg: "none" })}.${enc(claims)}.`;
      break;
    }
    case "hs-with-public-key":
      // The 2015 attack: sign HS256 with the verifier's public key bytes as the HMAC secret.
      token = await hmacForge(key.keyBytes, { ...header, alg: "HS256" }, claims);
      break;
    case "wrong-type-key": {
      // A real signature by a key of another type, labelled with that key's alg.
      const other = keyFor(keys, ALGS[(ALGS.indexOf(s.keyAlg) + 1) % 3]!, 0);
      token = await signRaw(other, header, claims);
      break;
    }
  }
  return { token, key: verificationKey(key) };
}

function policyOf(s: Spec, leewaySec = s.leewaySec): Policy {
  return { algorithms: s.policyAlgs, issuer: ISSUER, audience: AUDIENCE, leewaySec, criticalHeaders: s.criticalHeaders, ...(s.policyTyp !== undefined ? { typ: s.policyTyp } : {}) };
}

export const suite = defineLevel<Verify>({
  kata: "q5-edge-jwt",
  level: 2,
  load: (m) => requireExport<Verify>(m, "verifyJwt"),
  probe: async (verify) => {
    const s = fc.sample(spec, { seed: 1, numRuns: 1 })[0]!;
    const { token, key } = await build(s);
    return verify(token, key, policyOf(s), s.nowMs);
  },
  properties: [
    {
      name: "accepts a token iff every rule holds: alg bound to key, exp required, exp/nbf/iat with leeway, exact iss, aud membership, typ, crit",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(spec, async (s) => {
            const { token, key } = await build(s);
            const expected = modelAccepts(s);
            const got = await verify(token, key, policyOf(s), s.nowMs);
            if (got.ok !== expected) {
              throw new Error(`expected ${expected ? "accept" : "reject"}, got ${got.ok ? "accept" : `reject (${JSON.stringify(got)})`}; now=${s.nowMs / 1000}s leeway=${s.leewaySec}s header=${JSON.stringify(s.header)} claims=${JSON.stringify(s.claims)} signing=${s.signing} key=${s.keyAlg} policy.algorithms=${s.policyAlgs.join()}`);
            }
          }),
          ctx,
          { numRuns: 260 },
        ),
    },
    {
      name: "never accepts `alg: none`, HS256 forged with the public key, or an alg that does not fit the key — even when the allow-list names every alg",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom<Alg>("RS256", "ES256"), fc.constantFrom<Spec["signing"]>("none", "hs-with-public-key", "wrong-type-key"), async (keyAlg, signing) => {
            const base = fc.sample(spec, { seed: 7, numRuns: 1 })[0]!;
            const s: Spec = { ...base, keyAlg, signing, policyAlgs: ["RS256", "ES256", "HS256", "none"], header: { typ: "at+jwt" }, claims: { iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 60 }, policyTyp: "at+jwt", criticalHeaders: [] };
            const { token, key } = await build(s);
            const got = await verify(token, key, policyOf(s), s.nowMs);
            if (got.ok) throw new Error(`accepted a ${signing} token against a ${keyAlg} key: ${token}`);
          }),
          ctx,
          { numRuns: 12 },
        ),
    },
    {
      name: "more leeway never rejects more",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(spec, fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 120 }), async (s, a, b) => {
            const [lo, hi] = a <= b ? [a, b] : [b, a];
            const { token, key } = await build(s);
            const tight = await verify(token, key, policyOf(s, lo), s.nowMs);
            const loose = await verify(token, key, policyOf(s, hi), s.nowMs);
            if (tight.ok && !loose.ok) throw new Error(`accepted with leeway ${lo}s but rejected with ${hi}s: claims=${JSON.stringify(s.claims)} now=${s.nowMs / 1000}`);
          }),
          ctx,
          { numRuns: 60 },
        ),
    },
  ],
});
