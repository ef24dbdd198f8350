import fc from "fast-check";
import * as jose from "jose";
import { KvStore } from "../../../src/kv/index.js";
import { check, defineLevel } from "../../../src/kata/index.js";
import { Simulation } from "../../../src/sim/index.js";
import { hmacForge, keyFor, type KeyPairFor, suiteKeys } from "./issuer.js";

interface Worker {
  fetch(request: Request, env: unknown, ctx?: unknown): Promise<Response>;
}

const ISSUER = "https://login.example.com";
const AUDIENCE = "api.example.com";
const JWKS_URL = `${ISSUER}/.well-known/jwks.json`;
const START_MS = 1_800_000_000_000;
const NOW_SEC = START_MS / 1000;

/** The world the worker runs in: an issuer that counts JWKS fetches, an origin that records. */
interface World {
  env: Record<string, unknown>;
  idpFetches: () => number;
  originSeen: Request[];
  revoke(token: string): Promise<void>;
  keys: KeyPairFor[];
  /** The keys the issuer's JWKS lists; push one to rotate it in. */
  published: KeyPairFor[];
  advanceMs(ms: number): Promise<void>;
}

async function makeWorld(): Promise<World> {
  const keys = await suiteKeys();
  const published = [keyFor(keys, "RS256"), keyFor(keys, "ES256")];
  let idpFetches = 0;
  const originSeen: Request[] = [];
  const sim = new Simulation({ seed: 1, startMs: START_MS, trace: false });
  const ns = new KvStore({ clock: sim.clock, rng: sim.rng, pops: ["LHR"], ownWriteMissProbability: 0 }).namespace("REVOKED").atPop("LHR");
  const env = {
    ISSUER,
    AUDIENCE,
    JWKS_URL,
    CLOCK: sim.clock,
    REVOKED: ns,
    IDP: {
      fetch: async (request: Request): Promise<Response> => {
        idpFetches++;
        if (request.url !== JWKS_URL) return new Response("not found", { status: 404 });
        return Response.json({ keys: published.map((k) => k.publicJwk) });
      },
    },
    ORIGIN: {
      fetch: async (request: Request): Promise<Response> => {
        originSeen.push(request);
        return new Response(`hello ${request.headers.get("x-auth-subject")}`, { status: 200 });
      },
    },
  };
  const revoke = async (token: string): Promise<void> => {
    const payload = jose.decodeJwt(token);
    await ns.put(typeof payload.jti === "string" ? `jti:${payload.jti}` : "unused", "1", { expirationTtl: 3600 });
  };
  const advanceMs = async (ms: number): Promise<void> => void (await sim.runAsync(sim.clock.nowMs() + ms));
  return { env, idpFetches: () => idpFetches, originSeen, revoke, keys, published, advanceMs };
}

const goodClaims = fc.record({
  sub: fc.stringMatching(/^[a-z0-9]{1,10}$/),
  // Scopes are space-separated and matched exactly: "admins" or "superadmin" is not "admin".
  scope: fc.constantFrom("read", "read admin", "admin", "", "admins", "superadmin", "read:admin", "read admin-lite", "Admin", "xadmin read"),
  jti: fc.uuid(),
});

async function sign(key: KeyPairFor, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new jose.SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.signKey);
}

type Bad = "none" | "no-header" | "basic" | "bearer-empty" | "expired" | "no-exp" | "wrong-aud" | "wrong-iss" | "tampered" | "unknown-kid" | "alg-none" | "hs-confusion" | "revoked" | "oversized" | "other-key";
const BAD: Bad[] = ["no-header", "basic", "bearer-empty", "expired", "no-exp", "wrong-aud", "wrong-iss", "tampered", "unknown-kid", "alg-none", "hs-confusion", "revoked", "oversized", "other-key"];

async function badRequest(world: World, kind: Bad, claims: { sub: string; jti: string }): Promise<Request> {
  const rs = keyFor(world.keys, "RS256");
  const base = { sub: claims.sub, jti: claims.jti, iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 600, scope: "read" };
  let token: string;
  switch (kind) {
    case "no-header":
      return new Request("https://api.example.com/data");
    case "basic":
      return new Request("https://api.example.com/data", { headers: { Authorization: "Basic dXNlcjpwYXNz" } });
    case "bearer-empty":
      return new Request("https://api.example.com/data", { headers: { Authorization: "Bearer " } });
    case "expired":
      token = await sign(rs, { ...base, exp: NOW_SEC - 3600 });
      break;
    case "no-exp": {
      const { exp: _exp, ...rest } = base;
      token = await sign(rs, rest);
      break;
    }
    case "wrong-aud":
      token = await sign(rs, { ...base, aud: `${AUDIENCE}.evil.net` });
      break;
    case "wrong-iss":
      token = await sign(rs, { ...base, iss: `${ISSUER}.evil.net` });
      break;
    case "tampered": {
      const [h, , s] = (await sign(rs, base)).split(".");
      token = `${h}.${Buffer.from(JSON.stringify({ ...base, scope: "read admin" })).toString("base64url")}.${s}`;
      break;
    }
    case "unknown-kid":
      token = await sign(rs, base, { kid: `forged-${claims.jti}` });
      break;
    case "alg-none":
      token = `${Buffer.from(JSON.stringify({ alg: "none", kid: rs.kid })).toString("base64url")}.${Buffer.from(JSON.stringify(base)).toString("base64url")}.`;
      break;
    case "hs-confusion":
      token = await hmacForge(rs.keyBytes, { alg: "HS256", kid: rs.kid }, base);
      break;
    case "revoked":
      token = await sign(rs, base);
      await world.revoke(token);
      break;
    case "oversized":
      token = await sign(rs, { ...base, pad: "x".repeat(9000) });
      break;
    case "other-key":
      token = await sign(keyFor(world.keys, "RS256", 1), base, { kid: rs.kid });
      break;
    default:
      throw new Error(`unknown case ${kind}`);
  }
  return new Request("https://api.example.com/data", { headers: { Authorization: `Bearer ${token}`, "X-Auth-Subject": "admin" } });
}

export const suite = defineLevel<Worker>({
  kata: "q5-edge-jwt",
  level: 5,
  load: (m) => {
    const worker = m.default as Worker | undefined;
    if (typeof worker?.fetch !== "function") throw new TypeError("expected `export default { fetch(request, env, ctx) }`");
    return worker;
  },
  probe: async (worker) => worker.fetch(new Request("https://api.example.com/"), (await makeWorld()).env, {}),
  properties: [
    {
      name: "valid tokens reach the origin with the verified identity (client-sent identity headers stripped) and cost zero issuer round trips after warm-up",
      run: (worker, ctx) =>
        check(
          fc.asyncProperty(fc.array(fc.tuple(goodClaims, fc.constantFrom("RS256", "ES256"), fc.boolean()), { minLength: 2, maxLength: 6 }), async (requests) => {
            const world = await makeWorld();
            for (const [i, [claims, alg, spoof]] of requests.entries()) {
              const key = keyFor(world.keys, alg as "RS256" | "ES256");
              const token = await sign(key, { ...claims, iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 600 });
              // RFC 7235 §2.1: the scheme name is case-insensitive.
              const headers: Record<string, string> = { Authorization: `${["Bearer", "bearer", "BEARER"][i % 3]} ${token}` };
              if (spoof) Object.assign(headers, { "X-Auth-Subject": "admin", "X-Auth-Scope": "admin" });
              const response = await worker.fetch(new Request("https://api.example.com/data", { headers }), world.env, {});
              if (response.status !== 200) throw new Error(`valid ${alg} token got ${response.status} ${response.headers.get("www-authenticate")}`);
              const seen = world.originSeen.at(-1);
              if (world.originSeen.length !== i + 1 || seen === undefined) throw new Error(`origin saw ${world.originSeen.length} requests after ${i + 1} valid ones`);
              if (seen.headers.get("x-auth-subject") !== claims.sub) throw new Error(`origin got X-Auth-Subject ${seen.headers.get("x-auth-subject")}; the token's sub is ${claims.sub}`);
              if ((seen.headers.get("x-auth-scope") ?? "") !== claims.scope) throw new Error(`origin got X-Auth-Scope ${seen.headers.get("x-auth-scope")}; the token's scope is "${claims.scope}"`);
              if (world.idpFetches() !== 1) throw new Error(`after ${i + 1} valid requests the issuer was called ${world.idpFetches()} times; expected once (warm-up)`);
            }
          }),
          ctx,
          { numRuns: 20 },
        ),
    },
    {
      name: "every missing or bad token gets 401 with a Bearer challenge (RFC 6750) and never reaches the origin",
      run: (worker, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(...BAD), goodClaims, async (kind, claims) => {
            const world = await makeWorld();
            const response = await worker.fetch(await badRequest(world, kind, claims), world.env, {});
            const challenge = response.headers.get("www-authenticate") ?? "";
            if (response.status !== 401) throw new Error(`${kind}: expected 401, got ${response.status}`);
            if (!/^Bearer( |$)/.test(challenge)) throw new Error(`${kind}: 401 without a Bearer WWW-Authenticate challenge (got "${challenge}")`);
            const presented = kind !== "no-header" && kind !== "basic" && kind !== "bearer-empty";
            if (presented && !challenge.includes('error="invalid_token"')) throw new Error(`${kind}: a rejected token must say error="invalid_token" (got "${challenge}")`);
            // RFC 6750 §3.1: without credentials, the challenge carries no error code at all.
            if (!presented && (challenge.includes("error=") || !challenge.includes('realm="edge"'))) throw new Error(`${kind}: a request without a bearer token gets the bare challenge Bearer realm="edge", got "${challenge}"`);
            if (world.originSeen.length > 0) throw new Error(`${kind}: the request reached the origin`);
          }),
          ctx,
          { numRuns: 40 },
        ),
    },
    {
      name: "a valid token without the admin scope gets 403 insufficient_scope on /admin and never reaches the origin",
      run: (worker, ctx) =>
        check(
          fc.asyncProperty(goodClaims, fc.constantFrom("/admin", "/admin/", "/admin/users", "/admin/a/b?x=1", "/admin?x=1", "/administrator", "/data/admin"), async (claims, path) => {
            const world = await makeWorld();
            const token = await sign(keyFor(world.keys, "ES256"), { ...claims, iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 600 });
            const response = await worker.fetch(new Request(`https://api.example.com${path}`, { headers: { Authorization: `Bearer ${token}` } }), world.env, {});
            const needsAdmin = path === "/admin" || path.startsWith("/admin/") || path.startsWith("/admin?");
            const allowed = !needsAdmin || claims.scope.split(" ").includes("admin");
            if (allowed && response.status !== 200) throw new Error(`${path} with scope "${claims.scope}": expected 200, got ${response.status}`);
            if (!allowed) {
              if (response.status !== 403 || !(response.headers.get("www-authenticate") ?? "").includes('error="insufficient_scope"')) {
                throw new Error(`${path} with scope "${claims.scope}": expected 403 insufficient_scope, got ${response.status} ${response.headers.get("www-authenticate")}`);
              }
              if (world.originSeen.length > 0) throw new Error(`${path}: a forbidden request reached the origin`);
            }
          }),
          ctx,
          { numRuns: 20 },
        ),
    },
    {
      name: "forged kids (random, `__proto__`, `constructor`) get 401 and cost at most one issuer fetch per 30 s; a key the issuer rotates in works once the 30 s cooldown has passed",
      run: (worker, ctx) =>
        check(
          fc.asyncProperty(
            fc.array(fc.oneof(fc.constantFrom("__proto__", "constructor", "toString", "", "rs256-0 "), fc.uuid()), { minLength: 3, maxLength: 12 }),
            fc.integer({ min: 0, max: 29_000 }),
            async (kids, gapMs) => {
              const world = await makeWorld();
              const base = { sub: "alice", iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 3600, scope: "read" };
              const send = async (key: KeyPairFor, kid: string): Promise<Response> =>
                worker.fetch(new Request("https://api.example.com/data", { headers: { Authorization: `Bearer ${await sign(key, base, { kid })}` } }), world.env, {});
              const rs = keyFor(world.keys, "RS256");
              if ((await send(rs, rs.kid)).status !== 200) throw new Error("warm-up request with a valid token was refused");
              // A flood within one cooldown: at most one refetch on top of the warm-up.
              for (const kid of kids) {
                await world.advanceMs(Math.floor(gapMs / kids.length));
                const response = await send(rs, kid);
                if (response.status !== 401 || !(response.headers.get("www-authenticate") ?? "").includes('error="invalid_token"')) throw new Error(`forged kid ${JSON.stringify(kid)}: expected 401 invalid_token, got ${response.status}`);
              }
              if (world.idpFetches() > 2) throw new Error(`${kids.length} forged-kid requests within ${gapMs} ms made ${world.idpFetches()} issuer fetches; expected at most 2 (warm-up and one refetch per 30 s cooldown)`);
              if (world.originSeen.length !== 1) throw new Error("a forged-kid request reached the origin");
              // Rotation: the issuer publishes a new key; 30 s after the last fetch, its tokens work.
              const rotated = keyFor(world.keys, "ES256", 1);
              world.published.push(rotated);
              await world.advanceMs(30_000);
              const response = await send(rotated, rotated.kid);
              if (response.status !== 200) throw new Error(`a token signed by a key the issuer rotated in 30 s ago got ${response.status}; an unknown kid refetches the JWKS once the cooldown has passed`);
            },
          ),
          ctx,
          { numRuns: 10 },
        ),
    },
  ],
});
