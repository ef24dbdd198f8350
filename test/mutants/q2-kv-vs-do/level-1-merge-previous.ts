// Mutant: the reader merges each config it reads into the previous one, so a flag removed by a publish survives in a config nobody wrote.
import type { KvNamespaceApi } from "../../../src/core/bindings.js";
export interface FlagConfig { version: number; flags: Record<string, boolean> }
export const FLAGS_STALENESS_MS_MAX = 60_000;
export async function publishFlags(kv: KvNamespaceApi, config: FlagConfig): Promise<void> {
  await kv.put("config:flags", JSON.stringify(config));
}
export class FlagReader {
  #last: FlagConfig | null = null;
  constructor(readonly kv: KvNamespaceApi) {}
  async current(): Promise<FlagConfig | null> {
    const read = (await this.kv.get("config:flags", { type: "json", cacheTtl: 60 })) as FlagConfig | null;
    if (read === null) return this.#last;
    this.#last = { version: read.version, flags: { ...this.#last?.flags, ...read.flags } };
    return this.#last;
  }
}
