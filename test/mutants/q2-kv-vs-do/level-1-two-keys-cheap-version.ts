// Mutant: version and flags live under two KV keys; each key is cached on its own, so a PoP can pair a new version with old flags (torn read). A candidate splits them to "check the version cheaply". (blind)
import type { KvNamespaceApi } from "../../../src/core/bindings.js";

export interface FlagConfig {
  /** Increases with every publish. */
  version: number;
  flags: Record<string, boolean>;
}

/** The staleness the product accepts: one minute, KV's default cacheTtl. */
export const FLAGS_STALENESS_MS_MAX = 60_000;

const FLAGS_KEY = "feature-flags";

const VERSION_KEY = `${FLAGS_KEY}:version`;
const DATA_KEY = `${FLAGS_KEY}:flags`;

export async function publishFlags(kv: KvNamespaceApi, config: FlagConfig): Promise<void> {
  // Data first, then the version that announces it.
  await kv.put(DATA_KEY, JSON.stringify(config.flags));
  await kv.put(VERSION_KEY, String(config.version));
}

export class FlagReader {
  constructor(readonly kv: KvNamespaceApi) {}

  async current(): Promise<FlagConfig | null> {
    const ttl = FLAGS_STALENESS_MS_MAX / 1000;
    const version = (await this.kv.get(VERSION_KEY, { type: "text", cacheTtl: ttl })) as string | null;
    if (version === null) return null;
    const flags = (await this.kv.get(DATA_KEY, { type: "json", cacheTtl: ttl })) as Record<string, boolean> | null;
    if (flags === null) return null;
    return { version: Number(version), flags };
  }
}
