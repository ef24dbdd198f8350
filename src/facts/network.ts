import type { SourceId } from "./sources.js";
import { CHECKED_2026_12_07 as CHECKED, type FactSpec } from "./types.js";

/** Anycast, DDoS and TLS figures. */
export const NETWORK_FACTS = {
  "network.asn": {
    value: 13335,
    unit: "count",
    display: "AS13335",
    claim: "Cloudflare announces its prefixes from every data centre under one AS number, AS13335.",
    source: "cf-radar-as13335",
    checked: CHECKED,
    status: "verified",
  },
  "ddos.recordTbps": {
    value: 31.4,
    unit: "Tbps",
    display: "31.4 Tbps",
    claim: "The largest attack Cloudflare has reported is a 31.4 Tbps UDP flood by the Aisuru botnet (2025 Q4 report), mitigated automatically.",
    source: "cf-blog-ddos-2025-q4",
    checked: CHECKED,
    status: "verified",
    note: "Records fall every few months (7.3 Tbps in May 2025, then 11.5, 22.2, 29.7 and 31.4 Tbps by the end of 2025).",
  },
  "ddos.may2025Tbps": {
    value: 7.3,
    unit: "Tbps",
    display: "7.3 Tbps",
    claim: "In May 2025 Cloudflare blocked a 7.3 Tbps attack (37.4 TB in 45 seconds), a record at the time.",
    source: "cf-blog-7-3-tbps",
    checked: CHECKED,
    status: "verified",
  },
  "ddos.may2025SourceIps": {
    value: 122_145,
    unit: "count",
    display: "122,145 source IPs",
    claim: "The May 2025 attack came from 122,145 source IPs in 161 countries.",
    source: "cf-blog-7-3-tbps",
    checked: CHECKED,
    status: "verified",
  },
  "ddos.may2025DataCenters": {
    value: 477,
    unit: "count",
    display: "477 data centres",
    claim: "The May 2025 attack was detected and mitigated in 477 data centres across 293 locations, each dropping the share that anycast brought it.",
    source: "cf-blog-7-3-tbps",
    checked: CHECKED,
    status: "verified",
  },
  "tls.ticketLifetimeDaysMax": {
    value: 7,
    unit: "days",
    display: "7 days",
    claim: "A TLS 1.3 session ticket may be used for at most seven days (RFC 8446 §4.6.1).",
    source: "rfc8446",
    anchor: "#section-4.6.1",
    checked: CHECKED,
    status: "verified",
  },
} as const satisfies Record<string, FactSpec<SourceId>>;
