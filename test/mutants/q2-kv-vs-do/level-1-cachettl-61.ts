// Mutant: cacheTtl is one second over the budget ("inclusive" rounding: budget in s + 1), so a copy exactly 60 s old is still served at the 60 s edge. Looks like a harmless safety margin. (blind)
import type { KvNamespaceApi } from "../../../src/core/bindings.js";

export interface FlagConfig {
  /** Increases with every publish. */
  version: number;
  flags: Record<string, boolean>;
}

/** The staleness the product accepts: one minute, KV's default cacheTtl. */
export const FLAGS_STALENESS_MS_MAX = 60_000;

const FLAGS_KEY = "feature-flags";

/** Seconds a PoP may keep its copy: the whole budget, inclusive of its last second. */
const CACHE_TTL_SECONDS = Math.floor(FLAGS_STALENESS_MS_MAX / 1000) + 1;

export async function publishFlags(kv: KvNamespaceApi, config: FlagConfig): Promise<void> {
  await kv.put(FLAGS_KEY, JSON.stringify(config));
}

export class FlagReader {
  constructor(readonly kv: KvNamespaceApi) {}

  async current(): Promise<FlagConfig | null> {
    const value = (await this.kv.get(FLAGS_KEY, { type: "json", cacheTtl: CACHE_TTL_SECONDS })) as FlagConfig | null;
    return value ?? null;
  }
}
