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
  /** When set, the issuer answers every request with this status and JSON body (an outage behind a proxy). */
  idpFailure: { status: number; body: unknown } | null;
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
        if (world.idpFailure !== null) return Response.json(world.idpFailure.body, { status: world.idpFailure.status });
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
  const world: World = { env, idpFetches: () => idpFetches, originSeen, revoke, keys, published, advanceMs, idpFailure: null };
  return world;
}

/**
 * Checks a challenge's syntax (RFC 7235 §2.1 with RFC 6750's quoted values): `Bearer ` then
 * `name="value"` parameters joined by ", ", none empty (RFC 7230 §7: no empty list elements),
 * and returns its parameters.
 */
function challengeParams(challenge: string, what: string): Map<string, string> {
  if (!/^Bearer [a-z_]+="[^"\\]+"(, [a-z_]+="[^"\\]+")*$/.test(challenge)) throw new Error(`${what}: WWW-Authenticate ${JSON.stringify(challenge)} is not \`Bearer name="value", …\` with non-empty values`);
  return new Map([...challenge.matchAll(/([a-z_]+)="([^"\\]+)"/g)].map((m) => [m[1]!, m[2]!]));
}

const SCOPES = ["read", "read admin", "admin", "", "admins", "superadmin", "read:admin", "read admin-lite", "Admin", "xadmin read"];
const goodClaims = fc.record({
  sub: fc.stringMatching(/^[a-z0-9]{1,10}$/),
  // Scopes are space-separated and matched exactly: "admins" or "superadmin" is not "admin".
  scope: fc.constantFrom(...SCOPES),
  jti: fc.uuid(),
});

async function sign(key: KeyPairFor, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new jose.SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.signKey);
}

type Bad = "none" | "no-header" | "basic" | "bearer-empty" | "scheme-suffix" | "two-tokens" | "expired" | "no-exp" | "no-sub" | "wrong-aud" | "wrong-iss" | "tampered" | "unknown-kid" | "alg-none" | "hs-confusion" | "oct-jwk" | "revoked" | "oversized" | "other-key";
const BAD: Bad[] = ["no-header", "basic", "bearer-empty", "scheme-suffix", "two-tokens", "expired", "no-exp", "no-sub", "wrong-aud", "wrong-iss", "tampered", "unknown-kid", "alg-none", "hs-confusion", "oct-jwk", "revoked", "oversized", "other-key"];
/** Requests that present no bearer token at all: the bare challenge. (two-tokens may go either way.) */
const NOT_PRESENTED: Bad[] = ["no-header", "basic", "bearer-empty", "scheme-suffix"];

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
    case "scheme-suffix":
      // Another scheme whose name ends in "Bearer", carrying a valid token.
      return new Request("https://api.example.com/data", { headers: { Authorization: `XBearer ${await sign(rs, base)}` } });
    case "two-tokens": {
      const valid = await sign(rs, base);
      return new Request("https://api.example.com/data", { headers: { Authorization: `Bearer ${valid} ${valid}` } });
    }
    case "no-sub": {
      const { sub: _sub, ...rest } = base;
      token = await sign(rs, rest);
      break;
    }
    case "oct-jwk": {
      // The issuer also lists a symmetric key: HS256 is never accepted with issuer keys.
      const hs = keyFor(world.keys, "HS256");
      world.published.push(hs);
      token = await sign(hs, base);
      break;
    }
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
          // Every kind each run: every documented error path is taken on every seed.
          fc.asyncProperty(goodClaims, async (claims) => {
            for (const kind of BAD) {
              const world = await makeWorld();
              const response = await worker.fetch(await badRequest(world, kind, claims), world.env, {});
              const challenge = response.headers.get("www-authenticate") ?? "";
              if (response.status !== 401) throw new Error(`${kind}: expected 401, got ${response.status}`);
              const params = challengeParams(challenge, kind);
              if (NOT_PRESENTED.includes(kind)) {
                // RFC 6750 §3.1: without credentials, the challenge carries no error code at all.
                if (challenge !== 'Bearer realm="edge"') throw new Error(`${kind}: a request without a bearer token gets exactly the challenge Bearer realm="edge", got "${challenge}"`);
              } else if (kind !== "two-tokens" && params.get("error") !== "invalid_token") {
                throw new Error(`${kind}: a rejected token must say error="invalid_token" (got "${challenge}")`);
              }
              if (params.has("scope")) throw new Error(`${kind}: a 401 challenge names no scope (got "${challenge}")`);
              if (world.originSeen.length > 0) throw new Error(`${kind}: the request reached the origin`);
            }
          }),
          ctx,
          { numRuns: 6 },
        ),
    },
    {
      name: "a valid token without the admin scope gets 403 insufficient_scope on /admin and never reaches the origin",
      run: (worker, ctx) =>
        check(
          // Every scope on every path, each run.
          fc.asyncProperty(goodClaims, async (claims) => {
            for (const scope of SCOPES) {
              for (const path of ["/admin", "/admin/", "/admin/users", "/admin/a/b?x=1", "/admin?x=1", "/administrator", "/data/admin"]) {
                const world = await makeWorld();
                const token = await sign(keyFor(world.keys, "ES256"), { ...claims, scope, iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 600 });
                const response = await worker.fetch(new Request(`https://api.example.com${path}`, { headers: { Authorization: `Bearer ${token}` } }), world.env, {});
                const needsAdmin = path === "/admin" || path.startsWith("/admin/") || path.startsWith("/admin?");
                const allowed = !needsAdmin || scope.split(" ").includes("admin");
                if (allowed && response.status !== 200) throw new Error(`${path} with scope "${scope}": expected 200, got ${response.status}`);
                if (!allowed) {
                  const params = challengeParams(response.headers.get("www-authenticate") ?? "", `${path} with scope "${scope}"`);
                  if (response.status !== 403 || params.get("error") !== "insufficient_scope" || params.get("scope") !== "admin") {
                    throw new Error(`${path} with scope "${scope}": expected 403 with error="insufficient_scope", scope="admin", got ${response.status} ${response.headers.get("www-authenticate")}`);
                  }
                  if (world.originSeen.length > 0) throw new Error(`${path}: a forbidden request reached the origin`);
                }
              }
            }
          }),
          ctx,
          { numRuns: 3 },
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
    {
      name: "forwarding keeps the method, URL and body (POST, PUT, PATCH, DELETE, HEAD, GET); X-Auth-Scope is empty when the token has no string scope",
      run: (worker, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom<unknown>(undefined, ["admin"], 7, "read"), fc.string({ unit: "grapheme", maxLength: 40 }), async (scope, body) => {
            const world = await makeWorld();
            const claims: Record<string, unknown> = { sub: "alice", iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 600 };
            if (scope !== undefined) claims.scope = scope;
            const token = await sign(keyFor(world.keys, "RS256"), claims);
            for (const method of ["POST", "PUT", "PATCH", "DELETE", "HEAD", "GET"]) {
              const url = `https://api.example.com/items/1?q=${method}`;
              const withBody = method !== "GET" && method !== "HEAD";
              const response = await worker.fetch(new Request(url, { method, headers: { Authorization: `Bearer ${token}` }, ...(withBody ? { body } : {}) }), world.env, {});
              if (response.status !== 200) throw new Error(`${method} with a valid token got ${response.status}`);
              const seen = world.originSeen.at(-1)!;
              if (seen.method !== method || seen.url !== url) throw new Error(`the origin got ${seen.method} ${seen.url}; the client sent ${method} ${url}`);
              const got = await seen.text();
              if (got !== (withBody ? body : "")) throw new Error(`${method}: the origin got body ${JSON.stringify(got)}; the client sent ${JSON.stringify(withBody ? body : "")}`);
              const wantScope = typeof scope === "string" ? scope : "";
              if (seen.headers.get("x-auth-scope") !== wantScope) throw new Error(`a token whose scope is ${JSON.stringify(scope)}: the origin got X-Auth-Scope ${JSON.stringify(seen.headers.get("x-auth-scope"))}, expected ${JSON.stringify(wantScope)}`);
            }
          }),
          ctx,
          { numRuns: 8 },
        ),
    },
    {
      name: "a JWKS answer that is not 2xx is a failed fetch whatever its body: past the 10 min ttl the last good keys still verify",
      run: (worker, ctx) =>
        check(
          fc.asyncProperty(fc.constantFrom(500, 502, 503, 404, 429), fc.constantFrom<unknown>({ keys: [] }, { error: "unavailable" }, null), async (status, body) => {
            const world = await makeWorld();
            const rs = keyFor(world.keys, "RS256");
            const token = await sign(rs, { sub: "alice", iss: ISSUER, aud: AUDIENCE, exp: NOW_SEC + 7200, scope: "read" });
            const send = (): Promise<Response> => worker.fetch(new Request("https://api.example.com/data", { headers: { Authorization: `Bearer ${token}` } }), world.env, {});
            if ((await send()).status !== 200) throw new Error("warm-up request with a valid token was refused");
            world.idpFailure = { status, body };
            await world.advanceMs(600_000 + 1_000);
            const response = await send();
            if (world.idpFetches() < 2) throw new Error("the key set is past its 10 min ttl, yet the issuer was not asked again");
            if (response.status !== 200) throw new Error(`the issuer answered ${status} ${JSON.stringify(body)} to the refresh and a valid token then got ${response.status}; a non-2xx answer is a failed fetch, so the last good keys keep working`);
          }),
          ctx,
          { numRuns: 6 },
        ),
    },
  ],
});
