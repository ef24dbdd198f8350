// Q5 · level 6 · Refresh-token rotation with reuse detection
// Access tokens are short-lived JWTs the edge verifies alone; refresh tokens are long-lived
// and opaque, so they can be stolen. With rotation, each refresh token works once and returns
// a new one. If a used token is presented again, either the thief or the victim is replaying
// it — you cannot tell which — so the whole family (every token descended from the same
// login) is revoked (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
//
// Implement `RefreshTokenFamilies` on a Durable Object-like storage (one object per user or
// per family gives strong consistency for exactly this check-and-set). All state is in storage,
// so a restarted object still knows every used token and revoked family.
import { encodeBase64Url } from "../../src/auth/index.js";

/** The subset of Durable Object storage this needs (`state.storage` satisfies it). */
export interface RefreshStorage {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}

export type RotateResult =
  | { ok: true; refreshToken: string; familyId: string; userId: string }
  | { ok: false; reason: "UNKNOWN" | "REUSED" | "REVOKED" };

interface TokenRecord {
  familyId: string;
  userId: string;
  used: boolean;
}
interface FamilyRecord {
  userId: string;
  revoked: boolean;
}

/** 256 bits from WebCrypto: refresh tokens are bearer secrets, so they must be unguessable. */
function randomToken(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export class RefreshTokenFamilies {
  readonly #storage: RefreshStorage;
  readonly #newToken: () => string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(storage: RefreshStorage, newToken: () => string = randomToken) {
    this.#storage = storage;
    this.#newToken = newToken;
  }

  issue(userId: string): Promise<{ refreshToken: string; familyId: string }> {
    return this.#serial(async () => {
      const familyId = this.#newToken();
      await this.#storage.put(`family:${familyId}`, { userId, revoked: false } satisfies FamilyRecord);
      return { refreshToken: await this.#mint(familyId, userId), familyId };
    });
  }

  rotate(refreshToken: string): Promise<RotateResult> {
    return this.#serial(async (): Promise<RotateResult> => {
      const key = await tokenKey(refreshToken);
      const record = (await this.#storage.get(key)) as TokenRecord | undefined;
      if (record === undefined) return { ok: false, reason: "UNKNOWN" };
      const family = (await this.#storage.get(`family:${record.familyId}`)) as FamilyRecord | undefined;
      if (family === undefined || family.revoked) return { ok: false, reason: "REVOKED" };
      if (record.used) {
        // Reuse: revoke the family, which kills the newest token too — the thief's or the
        // victim's, whichever rotated first. The user logs in again; the thief is out.
        await this.#storage.put(`family:${record.familyId}`, { ...family, revoked: true } satisfies FamilyRecord);
        return { ok: false, reason: "REUSED" };
      }
      await this.#storage.put(key, { ...record, used: true } satisfies TokenRecord);
      return { ok: true, refreshToken: await this.#mint(record.familyId, record.userId), familyId: record.familyId, userId: record.userId };
    });
  }

  /** Logout: every token of the family stops working. */
  revokeFamily(familyId: string): Promise<void> {
    return this.#serial(async () => {
      const family = (await this.#storage.get(`family:${familyId}`)) as FamilyRecord | undefined;
      if (family !== undefined) await this.#storage.put(`family:${familyId}`, { ...family, revoked: true } satisfies FamilyRecord);
    });
  }

  async #mint(familyId: string, userId: string): Promise<string> {
    const token = this.#newToken();
    await this.#storage.put(await tokenKey(token), { familyId, userId, used: false } satisfies TokenRecord);
    return token;
  }

  /**
   * One operation at a time. Between the read of `used` and its write there is an await; two
   * concurrent rotations of one token would both see `used: false` and both succeed. A real
   * Durable Object's input gate gives this for storage awaits; an explicit queue keeps it true
   * on any storage.
   */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op, op);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** Store a hash, never the bearer secret itself: a storage dump must not yield live tokens. */
async function tokenKey(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return `token:${encodeBase64Url(new Uint8Array(digest))}`;
}
