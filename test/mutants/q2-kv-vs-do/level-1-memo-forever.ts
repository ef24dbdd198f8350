// Mutant: the reader keeps the first config it read in memory forever, to save KV reads, so a PoP never sees a later publish.
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
export interface FlagConfig { version: number; flags: Record<string, boolean> }
export const FLAGS_STALENESS_MS_MAX = 60_000;
export async function publishFlags(kv: KvNamespaceApi, config: FlagConfig): Promise<void> {
  await kv.put("config:flags", JSON.stringify(config));
}
export class FlagReader {
  #memo: FlagConfig | null = null;
  constructor(readonly kv: KvNamespaceApi) {}
  async current(): Promise<FlagConfig | null> {
    if (this.#memo === null) this.#memo = (await this.kv.get("config:flags", { type: "json", cacheTtl: 60 })) as FlagConfig | null;
    return this.#memo;
  }
}
