import type { SourceId } from "./sources.js";
import { CHECKED_2026_12_07 as CHECKED, type FactSpec } from "./types.js";

/** Cloudflare's rate limiting: WAF rules, the Workers binding, and the 2017 sliding window. */
export const RATE_LIMITING_FACTS = {
  "waf.rateLimitPeriodsSeconds": {
    value: [10, 60, 120, 300, 600, 3600],
    unit: "s",
    display: "10, 60, 120, 300, 600 or 3600 s",
    claim: "A rate limiting rule counts over a period of 10 s, 1, 2, 5 or 10 minutes, or an hour (which ones depends on the plan).",
    source: "cf-waf-rate-limiting-parameters",
    checked: CHECKED,
    status: "verified",
  },
  "waf.rateLimitMitigationTimeoutsSeconds": {
    value: [0, 10, 60, 120, 300, 600, 3600, 86400],
    unit: "s",
    display: "0, 10, 60, 120, 300, 600, 3600 or 86400 s",
    claim: "Once a client trips a rule, the action applies for the mitigation timeout (0 s to a day) whatever its rate meanwhile; 0 throttles only the excess.",
    source: "cf-waf-rate-limiting-parameters",
    checked: CHECKED,
    status: "verified",
  },
  "workers.rateLimitBindingPeriodsSeconds": {
    value: [10, 60],
    unit: "s",
    display: "10 or 60 s",
    claim: "The Workers Rate Limiting binding counts per Cloudflare location over a period of 10 or 60 seconds, eventually consistent and permissive by design.",
    source: "cf-workers-rate-limit-binding",
    checked: CHECKED,
    status: "verified",
  },
  "rateLimiting.slidingWindowWrongPercent": {
    value: 0.003,
    unit: "percent",
    display: "0.003%",
    claim: "Over 400 million requests, Cloudflare's two-bucket sliding window wrongly allowed or limited 0.003% of them.",
    source: "cf-blog-rate-limiting",
    checked: CHECKED,
    status: "verified",
  },
  "rateLimiting.slidingWindowSampleRequests": {
    value: 400_000_000,
    unit: "requests",
    display: "400 million requests",
    claim: "Cloudflare measured its sliding-window approximation on 400 million requests.",
    source: "cf-blog-rate-limiting",
    checked: CHECKED,
    status: "verified",
  },
  "rules.expressionCharsMax": {
    value: 4096,
    unit: "characters",
    display: "4,096 characters",
    claim: "A rule expression in Cloudflare's Rules language is at most 4,096 characters.",
    source: "cf-rules-expressions",
    checked: CHECKED,
    status: "verified",
  },
} as const satisfies Record<string, FactSpec<SourceId>>;
