// Mutant: the JWKS cache is created per request, so every request costs a round trip to the issuer.
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { parseCompactJws } from "../../../src/auth/index.js";
import { type JwtPolicy, verifyJwt } from "../../../solutions/q5-edge-jwt/level-2-claims-policy.js";
import { type Jwk, JwksCache } from "../../../solutions/q5-edge-jwt/level-3-jwks-cache.js";
import { KvDenyList } from "../../../solutions/q5-edge-jwt/level-4-revocation.js";

/** A service binding (Cloudflare: `env.SERVICE.fetch(request)`). */
export interface Fetcher {
  fetch(request: Request): Promise<Response>;
}

export interface Env {
  ISSUER: string;
  AUDIENCE: string;
  JWKS_URL: string;
  /** The identity provider, reached only for its JWKS. */
  IDP: Fetcher;
  /** The protected application. */
  ORIGIN: Fetcher;
  /** Deny list (level 4); optional. */
  REVOKED?: KvNamespaceApi;
  /** Tests inject virtual time; in production the worker reads Date.now(). */
  CLOCK?: { nowMs(): number };
}

/** Headers the edge asserts to the origin; a client must never be able to set them. */
export const IDENTITY_HEADERS = ["x-auth-subject", "x-auth-scope"] as const;
const REALM = "edge";
const LEEWAY_SEC = 30;

interface IsolateState {
  jwks: JwksCache;
  spki: Map<string, { kty: "RSA" | "EC"; bytes: Uint8Array }>;
}

/**
 * Module scope lives as long as the isolate, so the JWKS is fetched once per isolate, not per
 * request. It is keyed by env so that two deployments in one process never share keys.
 */
const states = new WeakMap<Env, IsolateState>();

function stateFor(env: Env): IsolateState {
  let state: IsolateState | undefined;
  if (state === undefined) {
    const clock = env.CLOCK ?? { nowMs: () => Date.now() };
    const fetchJwks = async (): Promise<{ keys: Jwk[] }> => {
      const response = await env.IDP.fetch(new Request(env.JWKS_URL));
      if (!response.ok) throw new Error(`JWKS fetch returned ${response.status}`);
      return (await response.json()) as { keys: Jwk[] };
    };
    state = { jwks: new JwksCache({ fetchJwks, clock }), spki: new Map() };
    states.set(env, state);
  }
  return state;
}

/** RFC 6750 §3: a challenge on every 401; error codes only when a token was presented. */
function challenge(status: 401 | 403, error?: "invalid_token" | "insufficient_scope", description?: string): Response {
  const params = [`realm="${REALM}"`];
  if (error !== undefined) params.push(`error="${error}"`);
  if (description !== undefined) params.push(`error_description="${description.replace(/["\\]/g, "")}"`);
  if (error === "insufficient_scope") params.push(`scope="admin"`);
  return new Response(null, { status, headers: { "WWW-Authenticate": `Bearer ${params.join(", ")}` } });
}

async function spkiFor(state: IsolateState, kid: string, jwk: Jwk, alg: "RS256" | "ES256"): Promise<{ kty: "RSA" | "EC"; bytes: Uint8Array } | null> {
  const cached = state.spki.get(`${kid}:${jwk.n ?? jwk.x ?? ""}`);
  if (cached !== undefined) return cached;
  try {
    const params = alg === "RS256" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "ECDSA", namedCurve: "P-256" };
    const key = await crypto.subtle.importKey("jwk", jwk, params, true, ["verify"]);
    const entry = { kty: alg === "RS256" ? ("RSA" as const) : ("EC" as const), bytes: new Uint8Array(await crypto.subtle.exportKey("spki", key)) };
    state.spki.set(`${kid}:${jwk.n ?? jwk.x ?? ""}`, entry);
    return entry;
  } catch {
    return null;
  }
}

async function authenticate(request: Request, env: Env): Promise<Response | { sub: string; scope: string }> {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(request.headers.get("Authorization") ?? "");
  if (match === null) return challenge(401);
  const token = match[1]!;
  const parsed = parseCompactJws(token);
  if (parsed === null || typeof parsed.header.kid !== "string") return challenge(401, "invalid_token", "malformed token");
  const state = stateFor(env);
  const jwk = await state.jwks.getKey(parsed.header.kid);
  if (jwk === null) return challenge(401, "invalid_token", "unknown key");
  // The JWK decides the algorithm (RFC 8725 §3.1); HS256 is never allowed with issuer keys.
  const alg = jwk.kty === "RSA" ? "RS256" : jwk.kty === "EC" ? "ES256" : null;
  const key = alg === null ? null : await spkiFor(state, parsed.header.kid, jwk, alg);
  if (alg === null || key === null) return challenge(401, "invalid_token", "unusable key");
  const policy: JwtPolicy = { algorithms: [alg], issuer: env.ISSUER, audience: env.AUDIENCE, leewaySec: LEEWAY_SEC };
  const nowMs = (env.CLOCK ?? { nowMs: () => Date.now() }).nowMs();
  const result = await verifyJwt(token, key, policy, nowMs);
  if (!result.ok) return challenge(401, "invalid_token", result.reason);
  const clock = env.CLOCK ?? { nowMs: () => Date.now() };
  if (env.REVOKED !== undefined && (await new KvDenyList(env.REVOKED, clock).isRevoked(token))) return challenge(401, "invalid_token", "revoked");
  const sub = result.claims.sub;
  const scope = result.claims.scope;
  if (typeof sub !== "string") return challenge(401, "invalid_token", "no subject");
  return { sub, scope: typeof scope === "string" ? scope : "" };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const identity = await authenticate(request, env);
    if (identity instanceof Response) return identity;
    // RFC 6750 §3.1: authenticated but not allowed is 403 insufficient_scope, not 401.
    const path = new URL(request.url).pathname;
    if ((path === "/admin" || path.startsWith("/admin/")) && !identity.scope.split(" ").includes("admin")) {
      return challenge(403, "insufficient_scope", "admin scope required");
    }
    const headers = new Headers(request.headers);
    // Strip what the client sent: otherwise `X-Auth-Subject: admin` walks straight through.
    for (const name of IDENTITY_HEADERS) headers.delete(name);
    // The origin trusts the edge, not the token; it need not see the bearer secret.
    headers.delete("authorization");
    headers.set("x-auth-subject", identity.sub);
    headers.set("x-auth-scope", identity.scope);
    const init: RequestInit = { method: request.method, headers };
    if (request.method !== "GET" && request.method !== "HEAD") {
      init.body = await request.arrayBuffer();
    }
    return env.ORIGIN.fetch(new Request(request.url, init));
  },
};
