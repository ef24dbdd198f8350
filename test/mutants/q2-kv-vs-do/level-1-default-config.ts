// Mutant: returns a "safe" empty config { version: 0, flags: {} } when nothing is published instead of null — an invented default the README forbids. Defensive coding habit. (blind)
import type { KvNamespaceApi } from "../../../src/core/bindings.js";

export interface FlagConfig {
  /** Increases with every publish. */
  version: number;
  flags: Record<string, boolean>;
}

/** The staleness the product accepts: one minute, KV's default cacheTtl. */
export const FLAGS_STALENESS_MS_MAX = 60_000;

const FLAGS_KEY = "feature-flags";

const EMPTY: FlagConfig = { version: 0, flags: {} };

export async function publishFlags(kv: KvNamespaceApi, config: FlagConfig): Promise<void> {
  await kv.put(FLAGS_KEY, JSON.stringify(config));
}

export class FlagReader {
  constructor(readonly kv: KvNamespaceApi) {}

  async current(): Promise<FlagConfig | null> {
    const value = (await this.kv.get(FLAGS_KEY, { type: "json", cacheTtl: 60 })) as FlagConfig | null;
    // Never hand callers a null: every flag simply reads as off until the first publish.
    return value ?? { version: EMPTY.version, flags: { ...EMPTY.flags } };
  }
}
