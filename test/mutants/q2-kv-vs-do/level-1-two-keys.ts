// Mutant: the version and the flags are stored under two keys, which are cached independently, so a PoP can read the version of one publish with the flags of another.
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
export interface FlagConfig { version: number; flags: Record<string, boolean> }
export const FLAGS_STALENESS_MS_MAX = 60_000;
export async function publishFlags(kv: KvNamespaceApi, config: FlagConfig): Promise<void> {
  await kv.put("config:version", String(config.version));
  await kv.put("config:flags", JSON.stringify(config.flags));
}
export class FlagReader {
  constructor(readonly kv: KvNamespaceApi) {}
  async current(): Promise<FlagConfig | null> {
    const version = (await this.kv.get("config:version", { cacheTtl: 60 })) as string | null;
    const flags = (await this.kv.get("config:flags", { type: "json", cacheTtl: 60 })) as Record<string, boolean> | null;
    if (version === null || flags === null) return null;
    return { version: Number(version), flags };
  }
}
