// Mutant: adds an isolate-level cache on top of KV (re-reads KV only every 50 calls, since the real clock is off limits), so staleness is no longer bounded by cacheTtl when requests are sparse. (blind)
import type { KvNamespaceApi } from "../../../src/core/bindings.js";

export interface FlagConfig {
  /** Increases with every publish. */
  version: number;
  flags: Record<string, boolean>;
}

/** The staleness the product accepts: one minute, KV's default cacheTtl. */
export const FLAGS_STALENESS_MS_MAX = 60_000;

const FLAGS_KEY = "feature-flags";

/** Calls answered from the reader's own copy before asking KV again (saves KV read costs). */
const READS_PER_REFRESH = 50;

export async function publishFlags(kv: KvNamespaceApi, config: FlagConfig): Promise<void> {
  await kv.put(FLAGS_KEY, JSON.stringify(config));
}

export class FlagReader {
  #cached: FlagConfig | null = null;
  #readsSinceRefresh = 0;

  constructor(readonly kv: KvNamespaceApi) {}

  async current(): Promise<FlagConfig | null> {
    if (this.#cached !== null && this.#readsSinceRefresh < READS_PER_REFRESH) {
      this.#readsSinceRefresh++;
      return this.#cached;
    }
    const value = (await this.kv.get(FLAGS_KEY, { type: "json", cacheTtl: 60 })) as FlagConfig | null;
    this.#cached = value;
    this.#readsSinceRefresh = 0;
    return value;
  }
}
