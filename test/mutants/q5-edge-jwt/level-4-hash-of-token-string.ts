// Mutant: keys the deny list on a SHA-256 of the token STRING rather than of its decoded signature, so revoking a token leaves another spelling of it (last signature character with pad bits set, which jose still verifies) not revoked. (blind)
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
import { decodeBase64UrlLenient } from "../../../src/auth/index.js";

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
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const payloadBytes = decodeBase64UrlLenient(parts[1] as string);
  const signature = decodeBase64UrlLenient(parts[2] as string);
  if (payloadBytes === null || signature === null || signature.length === 0) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(payloadBytes));
  } catch {
    return null;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return null;
  const exp = (payload as { exp?: unknown }).exp;
  return { key: `tok:${await sha256Hex(new TextEncoder().encode(token))}`, exp: typeof exp === "number" && Number.isFinite(exp) ? exp : undefined };
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
