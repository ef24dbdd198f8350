// Q2 · level 1 · Feature flags on KV
// Your product team flips feature flags a few times a day, and every request in 300 cities
// reads them. That is the workload Workers KV is built for: read-mostly, global, and fine to
// be a minute late. The flags are one JSON document with a version number.
//
// Implement `publishFlags(kv, config)` (the admin path, runs in one PoP) and
// `FlagReader.current()` (runs in every PoP, on every request). Requirements:
//   - Within FLAGS_STALENESS_MS_MAX of a publish, every PoP reads it (or a newer one).
//   - Before that, a PoP may read an older config, but only one that was really published:
//     never a mix of two versions, never a flag that was removed, never an invented default.
//   - Before the first publish, `current()` is null.
// Constraints: KV propagates a write to other PoPs in up to 60 s, and a PoP serves a read
// from its cache for `cacheTtl` seconds (at least 30). Do not read the real clock.
import type { KvNamespaceApi } from "../../src/core/bindings.js";

export interface FlagConfig {
  /** Increases with every publish. */
  version: number;
  flags: Record<string, boolean>;
}

/** Propagation (60 s) plus one cache lifetime (60 s): the staleness the product accepts. */
export const FLAGS_STALENESS_MS_MAX = 120_000;

// One key holds the whole document: KV propagates each key on its own schedule, so two keys
// (say, version and flags) can be seen from two different publishes at once.
const FLAGS_KEY = "config:flags";
// 60 s keeps propagation (≤ 60 s) + cacheTtl within the 120 s budget; the minimum is 30 s.
const CACHE_TTL_SECONDS = 60;

export async function publishFlags(kv: KvNamespaceApi, config: FlagConfig): Promise<void> {
  await kv.put(FLAGS_KEY, JSON.stringify(config));
}

export class FlagReader {
  constructor(readonly kv: KvNamespaceApi) {}

  async current(): Promise<FlagConfig | null> {
    // No in-memory layer on top: the PoP cache already serves hot reads, and a second cache
    // would add its lifetime to the staleness bound.
    return (await this.kv.get(FLAGS_KEY, { type: "json", cacheTtl: CACHE_TTL_SECONDS })) as FlagConfig | null;
  }
}
