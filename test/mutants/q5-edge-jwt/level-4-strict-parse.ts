// Mutant: identifies tokens with the platform's STRICT parser (parseCompactJws), so a spelling jose accepts but the strict decoder refuses (signature pad bits set) is "unparseable": it reads as revoked although nobody revoked it, and revoking it stores nothing. (blind)
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { parseCompactJws } from "../../../src/auth/index.js";

export interface DenyStorage {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}

/** KV's minimum expirationTtl, seconds. */
const KV_TTL_MIN_SEC = 60;
/** Seconds a PoP may serve a cached "not revoked"; Cloudflare's minimum. */
const KV_CACHE_TTL_SEC = 30;

interface TokenId {
  readonly key: string;
  readonly exp: number | undefined;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** One identity for every spelling a lenient verifier accepts: a hash of the DECODED signature. */
async function identify(token: string): Promise<TokenId | null> {
  if (typeof token !== "string") return null;
  const parsed = parseCompactJws(token);
  if (parsed === null || parsed.signature.length === 0) return null;
  const signature = parsed.signature;
  const exp = parsed.payload.exp;
  return { key: `sig:${await sha256Hex(signature)}`, exp: typeof exp === "number" && Number.isFinite(exp) ? exp : undefined };
}

function putOptions(id: TokenId, nowMs: number): { expirationTtl?: number } {
  if (id.exp === undefined) return {};
  return { expirationTtl: Math.max(KV_TTL_MIN_SEC, Math.ceil(id.exp - nowMs / 1000)) };
}

export class KvDenyList {
  constructor(
    readonly kv: KvNamespaceApi,
    readonly clock: { nowMs(): number },
  ) {}

  async revoke(token: string): Promise<void> {
    const id = await identify(token);
    if (id === null) return;
    await this.kv.put(id.key, "revoked", putOptions(id, this.clock.nowMs()));
  }

  async isRevoked(token: string): Promise<boolean> {
    const id = await identify(token);
    if (id === null) return true;
    const value = await this.kv.get(id.key, { cacheTtl: KV_CACHE_TTL_SEC });
    return value !== null && value !== undefined;
  }
}

export class DoDenyList {
  constructor(
    readonly storage: DenyStorage,
    readonly clock: { nowMs(): number },
  ) {}

  async revoke(token: string): Promise<void> {
    const id = await identify(token);
    if (id === null) return;
    await this.storage.put(id.key, { revokedAtMs: this.clock.nowMs(), exp: id.exp ?? null });
  }

  async isRevoked(token: string): Promise<boolean> {
    const id = await identify(token);
    if (id === null) return true;
    const value = await this.storage.get(id.key);
    return value !== null && value !== undefined;
  }
}
