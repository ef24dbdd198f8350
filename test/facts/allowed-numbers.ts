import type { Allowed } from "./unsourced-numbers.js";

/**
 * Quantities the detector flags that are not Cloudflare figures, each with the reason. Keep it
 * small: a number that is Cloudflare's belongs in src/facts, and a number measured here says so
 * in its sentence. The test fails on an entry that no longer matches anything.
 */
export const ALLOWED: readonly Allowed[] = [
  {
    file: "solutions/q3-isolates/ANSWER.md",
    text: "\"Under 1 ms\"",
    reason: "quotes the interview question's own words, which the answer then qualifies",
  },
  {
    file: "book/chapters/workers.md",
    text: "every 2 ms",
    reason: "the platform's CPU watchdog sampling interval (src/workers/limits.ts), not a Cloudflare figure",
  },
  {
    file: "book/chapters/waf.md",
    text: "at most 8 KiB of any field",
    reason: "the platform's own regex-guard bound (src/waf/regex-guard.ts), not a Cloudflare figure",
  },
  {
    file: "book/chapters/waf.md",
    text: "\"50% off\"",
    reason: "a search phrase in the benign corpus, not a figure",
  },
  {
    file: "katas/q4-anycast-ddos/README.md",
    text: "at least 90%",
    reason: "a kata property threshold (space-saving recall on Zipf streams)",
  },
  {
    file: "katas/q4-anycast-ddos/README.md",
    text: "(of 60 s)",
    reason: "Linux's SYN cookie time slot, which the kata reproduces; not a Cloudflare figure",
  },
  {
    file: "katas/q5-edge-jwt/README.md",
    text: "8 KiB",
    reason: "the platform's token size cap (src/auth/jws.ts), not a Cloudflare figure",
  },
  {
    file: "katas/q5-edge-jwt/README.md",
    text: "jose uses 30 s and 10 min",
    reason: "the defaults of the jose library's remote JWKS cache, not Cloudflare's",
  },
];

/**
 * Cloudflare figures still written out in text that another branch is rewriting (issue 26):
 * the KV model (branch `kv`) and Durable Object storage limits (branch `do-sql`). Each entry
 * must go once that text moves to the registry; the test fails when an entry matches nothing,
 * so the list can only shrink.
 */
const KV_REMODEL = "KV model text that branch `kv` rewrites from the pull-through model (issue 26)";
const DO_LIMITS = "Durable Object storage limits that branch `do-sql` updates to SQLite-backed objects (issue 26)";

export const PENDING: readonly Allowed[] = [
  { file: "book/chapters/q2-kv-vs-do.md", text: "(\"60 seconds or more\", in the docs)", reason: KV_REMODEL },
  { file: "book/chapters/q2-kv-vs-do.md", text: "`cacheTtl` (at least 30 s)", reason: KV_REMODEL },
  { file: "solutions/q2-kv-vs-do/ANSWER.md", text: "(minimum 30 s, default 60 s)", reason: KV_REMODEL },
  { file: "solutions/q2-kv-vs-do/ANSWER.md", text: "30 s the last stale read is before 90 s", reason: KV_REMODEL },
  { file: "solutions/q2-kv-vs-do/ANSWER.md", text: "with 60 s before 120 s", reason: KV_REMODEL },
  { file: "solutions/q2-kv-vs-do/ANSWER.md", text: "staleness ≤ 60 s + cacheTtl", reason: KV_REMODEL },
  { file: "solutions/q2-kv-vs-do/ANSWER.md", text: "below ~90 s", reason: KV_REMODEL },
  { file: "solutions/q2-kv-vs-do/ANSWER.md", text: "values over 128 KiB", reason: DO_LIMITS },
  { file: "solutions/q2-kv-vs-do/ANSWER.md", text: "a DO value is at most 128 KiB; KV takes 25 MiB", reason: DO_LIMITS },
  { file: "katas/q2-kv-vs-do/README.md", text: "in up to 60 s", reason: KV_REMODEL },
  { file: "katas/q2-kv-vs-do/README.md", text: "`cacheTtl` ≥ 30 s more", reason: KV_REMODEL },
  { file: "katas/q2-kv-vs-do/README.md", text: "(120 s)", reason: KV_REMODEL },
  { file: "katas/q2-kv-vs-do/README.md", text: "below 90 s (60 s propagation + 30 s minimum cacheTtl)", reason: KV_REMODEL },
  { file: "katas/q2-kv-vs-do/README.md", text: "over 128 KiB", reason: DO_LIMITS },
  { file: "katas/q5-edge-jwt/README.md", text: "propagation + 60 s (so read with a `cacheTtl` of 30–60 s)", reason: KV_REMODEL },
];
