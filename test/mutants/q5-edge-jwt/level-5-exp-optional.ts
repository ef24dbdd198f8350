// Mutant: checks exp only when the token has one, so a correctly signed token with no exp claim is forwarded instead of getting 401 invalid_token. (blind)
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { importJwk, parseCompactJws, verifyJwsSignature, type JsonWebKey } from "../../../src/auth/index.js";

export interface Fetcher {
  fetch(request: Request): Promise<Response>;
}

export interface Env {
  ISSUER: string;
  AUDIENCE: string;
  JWKS_URL: string;
  IDP: Fetcher;
  ORIGIN: Fetcher;
  REVOKED?: KvNamespaceApi;
  CLOCK?: { nowMs(): number };
}

const REALM = "edge";
const LEEWAY_SEC = 30;

type Jwk = JsonWebKey & { kid?: string };
interface KeyCache {
  keys: Promise<Map<string, Jwk>> | null;
}

// Module scope lives as long as the isolate: one JWKS per env, fetched once.
const caches = new WeakMap<Env, KeyCache>();

function cacheFor(env: Env): KeyCache {
  let cache = caches.get(env);
  if (!cache) {
    cache = { keys: null };
    caches.set(env, cache);
  }
  return cache;
}

async function fetchKeys(env: Env): Promise<Map<string, Jwk>> {
  const response = await env.IDP.fetch(new Request(env.JWKS_URL));
  if (!response.ok) throw new Error(`JWKS fetch failed: ${response.status}`);
  const body = (await response.json()) as { keys?: unknown };
  const map = new Map<string, Jwk>();
  if (Array.isArray(body.keys))
    for (const key of body.keys as Jwk[])
      if (typeof key === "object" && key !== null && typeof key.kid === "string" && !map.has(key.kid)) map.set(key.kid, key);
  return map;
}

function keysFor(env: Env): Promise<Map<string, Jwk>> {
  const cache = cacheFor(env);
  if (!cache.keys) {
    const pending = fetchKeys(env);
    cache.keys = pending;
    pending.catch(() => {
      if (cache.keys === pending) cache.keys = null;
    });
  }
  return cache.keys;
}

async function keyFor(env: Env, kid: string): Promise<Jwk | undefined> {
  return (await keysFor(env)).get(kid);
}

function challenge(status: 401 | 403, error?: "invalid_token" | "insufficient_scope"): Response {
  const value = error ? `Bearer realm="${REALM}", error="${error}"` : `Bearer realm="${REALM}"`;
  return new Response(JSON.stringify({ error: error ?? "unauthorized" }), {
    status,
    headers: { "WWW-Authenticate": value, "content-type": "application/json" },
  });
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function timeOk(claims: Record<string, unknown>, nowMs: number): boolean {
  const { exp, nbf, iat } = claims;
  if (exp !== undefined && (!isNumber(exp) || nowMs >= (exp + LEEWAY_SEC) * 1000)) return false;
  if (nbf !== undefined && (!isNumber(nbf) || nowMs < (nbf - LEEWAY_SEC) * 1000)) return false;
  if (iat !== undefined && (!isNumber(iat) || iat * 1000 > nowMs + LEEWAY_SEC * 1000)) return false;
  return true;
}

function audienceOk(aud: unknown, audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.some((a) => a === audience));
}

async function isRevoked(env: Env, claims: Record<string, unknown>): Promise<boolean> {
  if (!env.REVOKED || typeof claims.jti !== "string") return false;
  return (await env.REVOKED.get(`jti:${claims.jti}`)) !== null;
}

async function authenticate(token: string, env: Env, nowMs: number): Promise<Record<string, unknown> | null> {
  const parsed = parseCompactJws(token);
  if (!parsed) return null;
  const { header, payload } = parsed;
  const alg = header.alg;
  if (alg !== "RS256" && alg !== "ES256") return null;
  if (typeof header.kid !== "string") return null;
  let jwk: Jwk | undefined;
  try {
    jwk = await keyFor(env, header.kid);
  } catch {
    return null;
  }
  if (!jwk) return null;
  const key = await importJwk(alg, jwk);
  if (!key || !(await verifyJwsSignature(alg, key, parsed))) return null;
  if (!timeOk(payload, nowMs)) return null;
  if (payload.iss !== env.ISSUER || !audienceOk(payload.aud, env.AUDIENCE)) return null;
  try {
    if (await isRevoked(env, payload)) return null;
  } catch {
    return null;
  }
  return payload;
}

function needsAdmin(pathname: string): boolean {
  return pathname === "/admin" || pathname.startsWith("/admin/");
}

function hasScope(scope: string, wanted: string): boolean {
  return scope.split(" ").includes(wanted);
}

function forwardedHeaders(request: Request, subject: string, scope: string): Headers {
  const headers = new Headers(request.headers);
  headers.delete("X-Auth-Subject");
  headers.delete("X-Auth-Scope");
  headers.delete("Authorization");
  headers.set("X-Auth-Subject", subject);
  headers.set("X-Auth-Scope", scope);
  return headers;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const nowMs = env.CLOCK ? env.CLOCK.nowMs() : Date.now();
    const authorization = request.headers.get("Authorization");
    const match = authorization === null ? null : /^Bearer +(\S+)\s*$/i.exec(authorization);
    if (!match) return challenge(401);
    const claims = await authenticate(match[1] as string, env, nowMs);
    if (!claims) return challenge(401, "invalid_token");
    const scope = typeof claims.scope === "string" ? claims.scope : "";
    const subject = typeof claims.sub === "string" ? claims.sub : "";
    if (needsAdmin(new URL(request.url).pathname) && !hasScope(scope, "admin")) return challenge(403, "insufficient_scope");
    return env.ORIGIN.fetch(new Request(request, { headers: forwardedHeaders(request, subject, scope) }));
  },
};
