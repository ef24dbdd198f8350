// Mutant: passes FLAGS_STALENESS_MS_MAX (milliseconds) straight into cacheTtl, which is in seconds, so a PoP may serve a copy for ~16 hours. Easy to miss: the constant "is the staleness budget". (blind)
import type { KvNamespaceApi } from "../../../src/core/bindings.js";

export interface FlagConfig {
  /** Increases with every publish. */
  version: number;
  flags: Record<string, boolean>;
}

/** The staleness the product accepts: one minute, KV's default cacheTtl. */
export const FLAGS_STALENESS_MS_MAX = 60_000;

const FLAGS_KEY = "feature-flags";

export async function publishFlags(kv: KvNamespaceApi, config: FlagConfig): Promise<void> {
  await kv.put(FLAGS_KEY, JSON.stringify({ version: config.version, flags: config.flags }));
}

export class FlagReader {
  constructor(readonly kv: KvNamespaceApi) {}

  async current(): Promise<FlagConfig | null> {
    const value = await this.kv.get(FLAGS_KEY, { type: "json", cacheTtl: FLAGS_STALENESS_MS_MAX });
    return (value as FlagConfig | null) ?? null;
  }
}
