// Q5 · level 5 · The edge auth worker
// Put it together: a Cloudflare module worker in front of your API. It verifies the bearer
// token at the PoP, with keys from the issuer's JWKS cached in the isolate, and forwards only
// authenticated requests, telling the origin who the caller is. The origin never sees a bad
// token, and the issuer is not called per request.
//
// Implement `export default { fetch(request, env) }`:
//   - `Authorization: Bearer <jwt>` (the scheme is case-insensitive, RFC 7235 §2.1); the kid
//     selects a key from `env.JWKS_URL`, fetched through `env.IDP.fetch` once per isolate and
//     then cached as in level 3 (keep the cache in module scope, keyed by env; ttl 10 min): an
//     unknown kid refetches at most once per 30 s, so a forged-kid flood costs the issuer at
//     most one fetch per 30 s and a key the issuer rotates in works 30 s later;
//     RS256 for RSA keys, ES256 for EC keys; `iss` = env.ISSUER, `aud` = env.AUDIENCE, `exp`
//     required, 30 s leeway; a token whose jti is a key `jti:<jti>` in `env.REVOKED` (KV) is revoked;
//     a token without a string `sub` is a bad token; a JWKS answer that is not 2xx is a failed
//     fetch whatever its body (the last good keys keep working, as in level 3);
//   - no token, `Bearer` with nothing after it, or another scheme → 401 with exactly
//     `WWW-Authenticate: Bearer realm="edge"` (no error code: RFC 6750 §3.1); any bad token →
//     401 with `error="invalid_token"` (RFC 6750 §3); the origin is never called;
//   - `/admin`, `/admin/…` (the path, whatever the query) need "admin" as one of the
//     space-separated entries of the `scope` claim, compared exactly ("admins", "superadmin" and
//     "Admin" are not it), else 403 with `error="insufficient_scope", scope="admin"`;
//   - a challenge is `Bearer ` then `name="value"` parameters separated by ", " (no empty ones);
//     an `error_description`, if you send one, is a non-empty reason;
//   - otherwise forward to `env.ORIGIN.fetch` — same method, URL and body — with
//     `X-Auth-Subject: <sub>` and `X-Auth-Scope: <scope>` (empty when the token has no string
//     scope) — and never let the client's own copies of those through.
// Read time from `env.CLOCK.nowMs()` when present (tests inject it), else Date.now().
// You may import your own levels 2–4. Hints: `npm run kata -- hint q5/5`.
// Grade: `npm run kata -- check q5/5`.
import type { KvNamespaceApi } from "../../src/core/bindings.js";
import { NotImplemented } from "../../src/kata/not-implemented.js";

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

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    // TODO: authenticate, authorise, strip and set identity headers, forward.
    throw new NotImplemented("auth worker fetch");
  },
};
