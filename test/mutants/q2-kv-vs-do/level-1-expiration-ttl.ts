// Mutant: confuses expirationTtl with cacheTtl: the publish expires after 60 s "so caches refresh", so the config vanishes and readers get null a minute after each publish. (blind)
import type { KvNamespaceApi } from "../../../src/core/bindings.js";

export interface FlagConfig {
  /** Increases with every publish. */
  version: number;
  flags: Record<string, boolean>;
}

/** The staleness the product accepts: one minute, KV's default cacheTtl. */
export const FLAGS_STALENESS_MS_MAX = 60_000;

const FLAGS_KEY = "feature-flags";

const TTL_SECONDS = FLAGS_STALENESS_MS_MAX / 1000;

export async function publishFlags(kv: KvNamespaceApi, config: FlagConfig): Promise<void> {
  // Make every PoP's copy expire within the staleness budget.
  await kv.put(FLAGS_KEY, JSON.stringify(config), { expirationTtl: TTL_SECONDS });
}

export class FlagReader {
  constructor(readonly kv: KvNamespaceApi) {}

  async current(): Promise<FlagConfig | null> {
    const value = (await this.kv.get(FLAGS_KEY, { type: "json", cacheTtl: TTL_SECONDS })) as FlagConfig | null;
    return value ?? null;
  }
}
