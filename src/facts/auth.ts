import type { SourceId } from "./sources.js";
import { CHECKED_2026_12_07 as CHECKED, type FactSpec } from "./types.js";

/** Cloudflare Access's signing keys, which a Worker behind Access must follow. */
export const AUTH_FACTS = {
  "access.keyRotationWeeks": {
    value: 6,
    unit: "weeks",
    display: "6 weeks",
    claim: "Access rotates its signing key every 6 weeks by default; the certs endpoint lists the current and the previous key.",
    source: "cf-access-validate-jwt",
    checked: CHECKED,
    status: "verified",
  },
  "access.previousKeyValidDays": {
    value: 7,
    unit: "days",
    display: "7 days",
    claim: "After a rotation the previous Access key stays valid for 7 days.",
    source: "cf-access-validate-jwt",
    checked: CHECKED,
    status: "verified",
  },
} as const satisfies Record<string, FactSpec<SourceId>>;
