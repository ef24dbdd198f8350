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
// Hints: `npm run kata -- hint q2/1`. Grade: `npm run kata -- check q2/1`.
import type { KvNamespaceApi } from "../../src/core/bindings.js";
import { NotImplemented } from "../../src/kata/not-implemented.js";

export interface FlagConfig {
  /** Increases with every publish. */
  version: number;
  flags: Record<string, boolean>;
}

/** The staleness the product accepts: one minute, KV's default cacheTtl. */
export const FLAGS_STALENESS_MS_MAX = 60_000;

export async function publishFlags(kv: KvNamespaceApi, config: FlagConfig): Promise<void> {
  // TODO: store the config so that a reader can never see half of one publish.
  throw new NotImplemented("publishFlags");
}

export class FlagReader {
  constructor(readonly kv: KvNamespaceApi) {}

  async current(): Promise<FlagConfig | null> {
    // TODO: read the config with a cacheTtl that keeps you within FLAGS_STALENESS_MS_MAX.
    throw new NotImplemented("FlagReader.current");
  }
}
