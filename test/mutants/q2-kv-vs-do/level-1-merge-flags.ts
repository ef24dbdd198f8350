// Mutant: publish merges the new flags into the stored ones ("publish = update"), so a flag removed by a later publish survives — the reader sees a config nobody published. (blind)
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
  const previous = (await kv.get(FLAGS_KEY, { type: "json", cacheTtl: 30 })) as FlagConfig | null;
  const flags = { ...(previous?.flags ?? {}), ...config.flags };
  await kv.put(FLAGS_KEY, JSON.stringify({ version: config.version, flags }));
}

export class FlagReader {
  constructor(readonly kv: KvNamespaceApi) {}

  async current(): Promise<FlagConfig | null> {
    const value = (await this.kv.get(FLAGS_KEY, { type: "json", cacheTtl: 60 })) as FlagConfig | null;
    return value ?? null;
  }
}
