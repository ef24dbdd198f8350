import type { Allowed } from "./unsourced-numbers.js";

/**
 * Quantities the detector flags that are not Cloudflare figures, each with the reason. Keep it
 * small: a number that is Cloudflare's belongs in src/facts, and a number measured here says so
 * in its sentence. The test fails on an entry that no longer matches anything.
 */
export const ALLOWED: readonly Allowed[] = [
  {
    file: "katas/q0-warmup/README.md",
    text: "windows from 1 ms to a day",
    reason: "the range of window lengths the kata's properties draw, not a Cloudflare figure",
  },
  {
    file: "katas/q1-rate-limiter/README.md",
    text: "windows from 1 ms to hours",
    reason: "the range of window lengths the kata's properties draw, not a Cloudflare figure",
  },
  {
    file: "katas/q1-rate-limiter/README.md",
    text: "windows from 1 ms to an hour",
    reason: "the range of window lengths level 5's properties draw, not a Cloudflare figure",
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
    text: "floods of 50 Tbps",
    reason: "the largest flood level 6's properties draw, not a Cloudflare figure",
  },
  {
    file: "katas/q4-anycast-ddos/README.md",
    text: "keeps ≥ 99% of routed goodput",
    reason: "a kata property threshold (the capacity plan's goodput), not a Cloudflare figure",
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
