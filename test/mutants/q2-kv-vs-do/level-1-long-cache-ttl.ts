// Mutant: cacheTtl of 300 s "to cut KV reads", so a PoP may serve a copy up to 300 s old, beyond the 60 s budget.
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
export interface FlagConfig { version: number; flags: Record<string, boolean> }
export const FLAGS_STALENESS_MS_MAX = 60_000;
export async function publishFlags(kv: KvNamespaceApi, config: FlagConfig): Promise<void> {
  await kv.put("config:flags", JSON.stringify(config));
}
export class FlagReader {
  constructor(readonly kv: KvNamespaceApi) {}
  async current(): Promise<FlagConfig | null> {
    return (await this.kv.get("config:flags", { type: "json", cacheTtl: 300 })) as FlagConfig | null;
  }
}
