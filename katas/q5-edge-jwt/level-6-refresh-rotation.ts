// Q5 · level 6 · Refresh-token rotation with reuse detection
// Access tokens are short-lived JWTs the edge verifies alone; refresh tokens are long-lived
// and opaque, so they can be stolen. With rotation, each refresh token works once and returns
// a new one. If a used token is presented again, either the thief or the victim is replaying
// it — you cannot tell which — so the whole family (every token descended from the same
// login) is revoked (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
//
// Implement `RefreshTokenFamilies` on a Durable Object-like storage:
//   - issue(userId) starts a family and returns its first refresh token;
//   - rotate(token): checked in this order — UNKNOWN if never issued (any string may be
//     presented: "__proto__", "" …); REVOKED if its family is revoked (even for a token already
//     used); REUSED if the token was already rotated — and then revoke the family; otherwise mark
//     it used and return a new token of the same family;
//   - revokeFamily(familyId) (logout) kills every token of the family; an unknown id does nothing;
//   - everything lives in `storage`: a new instance over the same storage (a restarted Durable
//     Object) must see every used token and every revoked family.
// Storage calls are async and other calls may run while one awaits: two concurrent rotations
// of one token must give one success and one REUSED. Make tokens with `newToken()`.
// Hints: `npm run kata -- hint q5/6`. Grade: `npm run kata -- check q5/6`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface RefreshStorage {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}

export type RotateResult =
  | { ok: true; refreshToken: string; familyId: string; userId: string }
  | { ok: false; reason: "UNKNOWN" | "REUSED" | "REVOKED" };

export class RefreshTokenFamilies {
  constructor(
    readonly storage: RefreshStorage,
    readonly newToken: () => string,
  ) {}

  async issue(userId: string): Promise<{ refreshToken: string; familyId: string }> {
    // TODO: a family record and a first token record.
    throw new NotImplemented("RefreshTokenFamilies.issue");
  }

  async rotate(refreshToken: string): Promise<RotateResult> {
    throw new NotImplemented("RefreshTokenFamilies.rotate");
  }

  async revokeFamily(familyId: string): Promise<void> {
    throw new NotImplemented("RefreshTokenFamilies.revokeFamily");
  }
}
