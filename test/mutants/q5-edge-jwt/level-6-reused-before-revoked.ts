// Mutant: checks `used` before the family's revocation, so after revokeFamily(f) a previously rotated token of f answers REUSED instead of REVOKED (and a second replay too). (blind)
export interface RefreshStorage {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}

export type RotateResult =
  | { ok: true; refreshToken: string; familyId: string; userId: string }
  | { ok: false; reason: "UNKNOWN" | "REUSED" | "REVOKED" };

interface TokenRecord {
  familyId: string;
  used: boolean;
}

interface FamilyRecord {
  userId: string;
  revoked: boolean;
}

const tokenKey = (token: string): string => `token:${token}`;
const familyKey = (familyId: string): string => `family:${familyId}`;

function asToken(value: unknown): TokenRecord | undefined {
  return typeof value === "object" && value !== null && typeof (value as TokenRecord).familyId === "string" ? (value as TokenRecord) : undefined;
}

function asFamily(value: unknown): FamilyRecord | undefined {
  return typeof value === "object" && value !== null && typeof (value as FamilyRecord).userId === "string" ? (value as FamilyRecord) : undefined;
}

export class RefreshTokenFamilies {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly storage: RefreshStorage,
    readonly newToken: () => string,
  ) {}

  /** One operation at a time: a promise queue, like a Durable Object's input gate. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(op);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  issue(userId: string): Promise<{ refreshToken: string; familyId: string }> {
    return this.#serial(async () => {
      const refreshToken = this.newToken();
      const familyId = `fam:${refreshToken}`;
      await this.storage.put(familyKey(familyId), { userId, revoked: false } satisfies FamilyRecord);
      await this.storage.put(tokenKey(refreshToken), { familyId, used: false } satisfies TokenRecord);
      return { refreshToken, familyId };
    });
  }

  rotate(refreshToken: string): Promise<RotateResult> {
    return this.#serial(async (): Promise<RotateResult> => {
      const record = asToken(await this.storage.get(tokenKey(refreshToken)));
      if (!record) return { ok: false, reason: "UNKNOWN" };
      const family = asFamily(await this.storage.get(familyKey(record.familyId)));
      if (!family) return { ok: false, reason: "UNKNOWN" };
      if (record.used) {
        await this.#revoke(record.familyId, family);
        return { ok: false, reason: "REUSED" };
      }
      if (family.revoked) return { ok: false, reason: "REVOKED" };
      await this.storage.put(tokenKey(refreshToken), { ...record, used: true } satisfies TokenRecord);
      const next = this.newToken();
      await this.storage.put(tokenKey(next), { familyId: record.familyId, used: false } satisfies TokenRecord);
      return { ok: true, refreshToken: next, familyId: record.familyId, userId: family.userId };
    });
  }

  revokeFamily(familyId: string): Promise<void> {
    return this.#serial(async () => {
      const family = asFamily(await this.storage.get(familyKey(familyId)));
      if (family) await this.#revoke(familyId, family);
    });
  }

  async #revoke(familyId: string, family: FamilyRecord): Promise<void> {
    await this.storage.put(familyKey(familyId), { ...family, revoked: true } satisfies FamilyRecord);
  }
}
