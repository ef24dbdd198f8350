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
// Constraints: KV does not push writes to PoPs. A PoP answers a read from its cache, or its
// regional tier's, while that copy is younger than the read's `cacheTtl` (default 60 s,
// minimum 30 s; "not found" is cached too), and fetches again only after. Do not read the
// real clock.
import type { KvNamespaceApi } from "../../src/core/bindings.js";

export interface FlagConfig {
  /** Increases with every publish. */
  version: number;
  flags: Record<string, boolean>;
}

/** The staleness the product accepts: one minute, KV's default cacheTtl. */
export const FLAGS_STALENESS_MS_MAX = 60_000;

// One key holds the whole document: KV caches each key on its own, so two keys (say, version
// and flags) can come from copies fetched at different moments — and the publishing PoP may
// miss one of its own two writes — mixing two publishes.
const FLAGS_KEY = "config:flags";
// A copy, in this PoP or in the tier behind it, is served only while younger than the read's
// cacheTtl, so a cacheTtl of at most the budget (60 s) meets it. The minimum is 30 s.
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
