import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";
import { ALGS, type Alg, hmacForge, keyFor, type KeyPairFor, signBytes, suiteKeys } from "./issuer.js";
import { badUtf8Json, nonCanonicalSpellings, oneModFourTokens, outsidersInSignature, SHAPES, SIZE_MAX, shaped, tokenOfLength, withTellingSignature } from "./malformed.js";

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
type Verify = (token: string, key: VerificationKey, policy: Policy, nowMs: number) => Promise<{ ok: boolean; reason?: unknown }>;

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
  /** Undefined: the policy has no `criticalHeaders` member (it understands no extension). */
  criticalHeaders: string[] | undefined;
}

const KTY: Record<Alg, "oct" | "RSA" | "EC"> = { HS256: "oct", RS256: "RSA", ES256: "EC" };

/** Independent model of RFC 7519/7515/8725 acceptance, written as a list of rules. */
function modelAccepts(s: Spec): boolean {
  const headerAlg = s.signing === "none" ? "none" : s.signing === "hs-with-public-key" ? "HS256" : s.signing === "wrong-type-key" ? "other" : s.keyAlg;
  // With an HS256 key, "signing with the key bytes" is simply the legitimate signature.
  const sigOk = s.signing === "right-key" || (s.signing === "hs-with-public-key" && s.keyAlg === "HS256");
  const now = s.nowMs / 1000;
  const c = s.claims;
  // build() leaves out members whose value is undefined; so does the model.
  const h = Object.fromEntries(Object.entries(s.header).filter(([, v]) => v !== undefined));
  const num = (v: unknown): v is number => typeof v === "number";
  const rules = [
    sigOk && s.policyAlgs.includes(headerAlg),
    s.policyTyp === undefined || h.typ === s.policyTyp,
    !("crit" in h) || (Array.isArray(h.crit) && h.crit.length > 0 && h.crit.every((n) => typeof n === "string" && (s.criticalHeaders ?? []).includes(n) && n in h)),
    num(c.exp) && now < c.exp + s.leewaySec,
    c.nbf === undefined || (num(c.nbf) && now >= c.nbf - s.leewaySec),
    c.iat === undefined || (num(c.iat) && c.iat <= now + s.leewaySec),
    c.iss === ISSUER,
    typeof c.pad !== "string" || c.pad.length <= 5000,
    c.aud === AUDIENCE || (Array.isArray(c.aud) && c.aud.includes(AUDIENCE)),
  ];
  return rules.every(Boolean);
}

/** Whole-second offsets from now on every boundary (−leeway, 0, +leeway), one second either side, and far away. */
function offsets(leeway: number): number[] {
  const near = [-leeway, 0, leeway].flatMap((b) => [b - 1, b, b + 1]);
  return [...new Set([...near, -3600, 3600])];
}

/**
 * Every single change the suite makes to a valid token, as lists, so the table property can try
 * each one and the random property can combine them. The time lists are the ones a clock's
 * fraction of a second matters for.
 */
type Cases = (s: Spec) => Spec[];
const withClaim = (s: Spec, name: string, values: unknown[]): Spec[] => values.map((v) => ({ ...s, claims: { ...s.claims, [name]: v } }));
const timeCases: Cases[] = [
  (s) => withClaim(s, "exp", offsets(s.leewaySec).map((d) => NOW_SEC + d)),
  (s) => withClaim(s, "nbf", offsets(s.leewaySec).map((d) => NOW_SEC + d)),
  (s) => withClaim(s, "iat", offsets(s.leewaySec).map((d) => NOW_SEC + d)),
  (s) => withClaim(s, "exp", [NOW_SEC + 0.5, NOW_SEC - 0.5, NOW_SEC - s.leewaySec + 0.5, NOW_SEC * 1000]),
];
const claimCases: Cases[] = [
  // exp is required and must be a number; a NumericDate that is present but not a number (null
  // included) fails; an absent nbf or iat passes.
  (s) => withClaim(s, "exp", [undefined, null, "1900000000", [NOW_SEC + 300], true]),
  (s) => withClaim(s, "nbf", [null, String(NOW_SEC - 60), [NOW_SEC - 60], {}, false, undefined]),
  (s) => withClaim(s, "iat", [null, String(NOW_SEC - 60), [NOW_SEC - 60], {}, false, undefined]),
  // Level 1's size bound holds here too: a 5000-byte claim fits in 8 KiB, a 7000-byte one does not.
  (s) => withClaim(s, "pad", ["x".repeat(5000), "x".repeat(7000)]),
  (s) => withClaim(s, "iss", [`${ISSUER}.evil.net`, `${ISSUER}/`, `${ISSUER} `, "https://login.example", ISSUER.toUpperCase(), "", [ISSUER], undefined]),
  (s) => withClaim(s, "aud", [`${AUDIENCE}.evil.net`, "api.example", [`${AUDIENCE}.evil.net`], ["other", AUDIENCE], [AUDIENCE], ["other"], [], "", undefined, `x${AUDIENCE}`, [[AUDIENCE]]]),
  (s) => (["other-key", "none", "hs-with-public-key", "wrong-type-key"] as const).map((signing) => ({ ...s, signing })),
  // A valid signature by the right key under an alg the policy does not list.
  (s) => [s.policyAlgs.filter((a) => a !== s.keyAlg), [], [s.keyAlg.toLowerCase()], ["none"]].map((policyAlgs) => ({ ...s, policyAlgs })),
  (s) => (["JWT", "at+jwt", undefined] as const).flatMap((typ) => (["at+jwt", undefined] as const).map((policyTyp) => ({ ...s, policyTyp, header: { ...s.header, typ } }))),
  // RFC 7515 §4.1.11: crit is a non-empty array of names the verifier understands AND that the
  // header carries. jose refuses to sign most of these, so the suite signs the bytes itself.
  (s) =>
    (
      [
        [["ext"], ["ext"], ["ext"]],
        [["ext"], ["ext", "ext2"], ["ext", "unknown"]],
        [["ext"], [], ["ext"]],
        [["unknown"], ["ext"], ["ext", "unknown"]],
        [["ext", "unknown"], ["ext"], ["ext", "unknown"]],
        [[], ["ext"], ["ext"]],
        [["ext"], ["ext"], []],
        [["ext", "ext2"], ["ext", "ext2"], ["ext"]],
        ["ext", ["ext"], ["ext"]],
        [[1], ["ext"], ["ext"]],
        [null, ["ext"], ["ext"]],
        // A policy without criticalHeaders understands no extension.
        [["ext"], undefined, ["ext"]],
        [undefined, undefined, ["ext"]],
      ] as Array<[unknown, string[] | undefined, string[]]>
    ).map(([crit, known, members]) => ({ ...s, criticalHeaders: known, header: { ...s.header, crit, ...Object.fromEntries(members.map((m, i) => [m, i])) } })),
];
type Perturb = (s: Spec) => fc.Arbitrary<Spec>;
const perturbations: Perturb[] = [...timeCases, ...claimCases].map((cases) => (s: Spec) => fc.constantFrom(...cases(s)));

/** A valid token's spec: every perturbation starts from one of these. */
function specOf(keyAlg: Alg, extraAlgs: string[], leewaySec: number, fracMs: number, sub = "alice"): Spec {
  return {
    keyAlg,
    signing: "right-key",
    policyAlgs: [keyAlg, ...extraAlgs],
    leewaySec,
    nowMs: NOW_SEC * 1000 + fracMs,
    header: { typ: "at+jwt" },
    claims: { sub, iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 300, iat: NOW_SEC - 10 },
    policyTyp: "at+jwt",
    criticalHeaders: [],
  };
}

const baseSpec: fc.Arbitrary<Spec> = fc
  .record({
    keyAlg: fc.constantFrom<Alg>(...ALGS),
    extraAlgs: fc.subarray(["HS256", "RS256", "ES256", "none"]),
    leewaySec: fc.constantFrom(0, 0, 1, 5, 60),
    fracMs: fc.constantFrom(0, 0, 1, 500, 999),
    sub: fc.constantFrom("alice", "", "__proto__", "ü🔑"),
  })
  .map(({ keyAlg, extraAlgs, leewaySec, fracMs, sub }) => specOf(keyAlg, extraAlgs, leewaySec, fracMs, sub));
const spec: fc.Arbitrary<Spec> = baseSpec
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
      token = await signBytes(key, JSON.stringify({ ...header, alg: key.alg }), JSON.stringify(claims));
      break;
    case "other-key":
      token = await signBytes(keyFor(keys, s.keyAlg, 1), JSON.stringify({ ...header, alg: key.alg }), JSON.stringify(claims));
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
      token = await signBytes(other, JSON.stringify({ ...header, alg: other.alg }), JSON.stringify(claims));
      break;
    }
  }
  return { token, key: verificationKey(key) };
}

function policyOf(s: Spec, leewaySec = s.leewaySec): Policy {
  return {
    algorithms: s.policyAlgs,
    issuer: ISSUER,
    audience: AUDIENCE,
    leewaySec,
    ...(s.criticalHeaders !== undefined ? { criticalHeaders: s.criticalHeaders } : {}),
    ...(s.policyTyp !== undefined ? { typ: s.policyTyp } : {}),
  };
}

/** A rejection says why: `reason` is a non-empty string (its wording is yours). */
function checkResult(expected: boolean, got: { ok: boolean; reason?: unknown }, s: Spec): void {
  if (got.ok !== expected) throw new Error(mismatch(expected, got, s));
  if (!got.ok && (typeof got.reason !== "string" || got.reason.length === 0)) throw new Error(`rejected with reason ${JSON.stringify(got.reason)}; a rejection carries a non-empty string reason (${mismatch(expected, got, s)})`);
}

async function runTable(verify: Verify, table: Spec[]): Promise<void> {
  for (const s of table) {
    const { token, key } = await build(s);
    const expected = modelAccepts(s);
    const got = await verify(token, key, policyOf(s), s.nowMs);
    checkResult(expected, got, s);
  }
}

function mismatch(expected: boolean, got: { ok: boolean }, s: Spec): string {
  return `expected ${expected ? "accept" : "reject"}, got ${got.ok ? "accept" : `reject (${JSON.stringify(got)})`}; now=${s.nowMs / 1000}s leeway=${s.leewaySec}s header=${JSON.stringify(s.header)} claims=${JSON.stringify(s.claims)} signing=${s.signing} key=${s.keyAlg} policy.algorithms=${s.policyAlgs.join()} policy.typ=${s.policyTyp} policy.criticalHeaders=${JSON.stringify(s.criticalHeaders)}`;
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
      name: "every claim and attack, one at a time: missing or non-numeric dates, look-alike iss and aud, `alg: none`, HS256 with the public key, another key or key type, typ, every crit mistake, the size bound",
      run: (verify, ctx) =>
        check(
          // Few, small inputs: each run is a whole table, so a failure must shrink in few steps.
          fc.asyncProperty(fc.constantFrom<Alg>(...ALGS), fc.subarray(["HS256", "RS256", "ES256", "none"]), async (keyAlg, extraAlgs) => {
            const base = specOf(keyAlg, extraAlgs, 0, 0);
            await runTable(verify, [base, ...claimCases.flatMap((cases) => cases(base))]);
          }),
          ctx,
          { numRuns: 6 },
        ),
    },
    {
      name: "every time boundary, one at a time: exp, nbf and iat one second either side of now, now − leeway and now + leeway, with and without leeway, at four sub-second clocks",
      run: (verify, ctx) =>
        check(
          // Times do not depend on the key type: a fast key keeps the table quick.
          fc.asyncProperty(fc.constantFrom<Alg>("HS256", "ES256"), fc.constantFrom(1, 5, 60), async (keyAlg, leewaySec) => {
            const table = [0, leewaySec].flatMap((leeway) => [0, 1, 500, 999].flatMap((fracMs) => timeCases.flatMap((cases) => cases(specOf(keyAlg, [], leeway, fracMs)))));
            await runTable(verify, table);
          }),
          ctx,
          { numRuns: 2 },
        ),
    },
    {
      name: "accepts a token iff every rule holds: alg bound to key, exp required, exp/nbf/iat with leeway, exact iss, aud membership, typ, crit",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(spec, async (s) => {
            const { token, key } = await build(s);
            const expected = modelAccepts(s);
            const got = await verify(token, key, policyOf(s), s.nowMs);
            checkResult(expected, got, s);
          }),
          ctx,
          { numRuns: 150 },
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
      name: "the key's declared kty decides: an ES256 or RS256 signature checked with the right key bytes labelled as the other asymmetric type is rejected",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom<Alg>("RS256", "ES256"), async (alg) => {
            const signer = keyFor(await suiteKeys(), alg);
            const token = await signBytes(signer, JSON.stringify({ alg }), JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 60 }));
            const policy: Policy = { algorithms: ["RS256", "ES256", "HS256"], issuer: ISSUER, audience: AUDIENCE, leewaySec: 0 };
            const right = await verify(token, { kty: KTY[alg], bytes: signer.keyBytes }, policy, NOW_SEC * 1000);
            if (!right.ok) throw new Error(`rejected a valid ${alg} token: ${JSON.stringify(right)}`);
            const mislabelled = { kty: alg === "RS256" ? ("EC" as const) : ("RSA" as const), bytes: signer.keyBytes };
            const got = await verify(token, mislabelled, policy, NOW_SEC * 1000);
            if (got.ok) throw new Error(`accepted a ${alg} token with a key labelled kty ${mislabelled.kty} (its bytes are the ${alg} key): the header alg must fit key.kty`);
          }),
          ctx,
          { numRuns: 4 },
        ),
    },
    {
      name: "level 1's rules hold: non-canonical base64url, a character outside the alphabet, a 1-mod-4 segment, other than 3 segments, bad UTF-8 and a token over 8192 characters are rejected; exactly 8192 is accepted",
      run: (verify, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom<Alg>(...ALGS), fc.nat({ max: 7 }), async (alg, salt) => {
            const key = keyFor(await suiteKeys(), alg);
            const vk = verificationKey(key);
            const policy: Policy = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE, leewaySec: 0 };
            const claims = { sub: "alice", iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 300 };
            const header = JSON.stringify({ alg });
            const nowMs = NOW_SEC * 1000;
            const expect = async (token: string, accept: boolean, what: string): Promise<void> => {
              const got = await verify(token, vk, policy, nowMs);
              if (got.ok !== accept) throw new Error(`${what}: expected ${accept ? "accept" : "reject"}, got ${JSON.stringify(got)}; token ${JSON.stringify(token.length > 300 ? `${token.slice(0, 300)}…` : token)}`);
              if (!got.ok && (typeof got.reason !== "string" || got.reason.length === 0)) throw new Error(`${what}: rejected with reason ${JSON.stringify(got.reason)}; a rejection carries a non-empty string reason`);
            };
            const valid = await withTellingSignature((c) => signBytes(key, header, JSON.stringify(c)), claims);
            await expect(valid, true, "a valid token");
            for (const t of nonCanonicalSpellings(valid, salt)) await expect(t, false, "a non-canonical spelling");
            for (const t of outsidersInSignature(valid, "telling")) await expect(t, false, "a character outside the alphabet in the signature");
            for (const t of await oneModFourTokens(key, header, JSON.stringify(claims), salt % 3)) await expect(t, false, "a segment of 1 mod 4 characters, signed over its text");
            for (const shape of SHAPES) await expect(shaped(valid, shape), false, `a ${JSON.stringify(shape)}-shaped token`);
            await expect(await signBytes(key, header, badUtf8Json(claims, "sub")), false, "a payload that is not UTF-8");
            for (const length of [SIZE_MAX, SIZE_MAX + 1]) {
              const token = await tokenOfLength(key, length, claims);
              if (token === null) throw new Error(`suite bug: no ${alg} token of ${length} characters`);
              await expect(token, length <= SIZE_MAX, `a token of ${length} characters`);
            }
          }),
          ctx,
          { numRuns: 6 },
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
          { numRuns: 40 },
        ),
    },
  ],
});
