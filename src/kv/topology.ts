import { greatCircleKm } from "../sim/geo.js";
import { LatencyModel } from "../sim/latency.js";
import { type Region, popByCode } from "../sim/pops.js";
import { Rng } from "../sim/rng.js";

// Where a KV read goes when the reading PoP's own cache cannot answer. Cloudflare's "How KV
// works" page: "Data must be read from the nearest regional tier, followed by a central tier,
// degrading finally to the central stores"; its 2024 post "We made Workers KV up to 3x
// faster" (blog.cloudflare.com/faster-workers-kv) describes the regional tiered cache. The
// model keeps one regional tier per region and folds the central tier into it. Cloudflare
// does not publish where its tiers and central stores are: the places below are edge-kata's
// choice, used only to put a distance on a cold read.

/** Which PoP's city hosts each region's tier (edge-kata's choice: a big hub per region). */
export const KV_TIER_HUB_BY_REGION: Readonly<Record<Region, string>> = {
  NA: "ORD",
  SA: "GRU",
  EU: "FRA",
  AF: "JNB",
  ME: "DXB",
  AS: "SIN",
  OC: "SYD",
};

/**
 * "A small number of centralized data centers" (How KV works). They hold every key and, in
 * this model, agree at once: Cloudflare acknowledges a write when one storage backend has it
 * and reconciles the other in the background (blog.cloudflare.com/rearchitecting-workers-kv-for-redundancy),
 * a lag the model leaves out. Their cities are edge-kata's choice.
 */
export const KV_CENTRAL_STORE_CITIES: readonly string[] = ["IAD", "FRA", "SIN"];

/** Which layer answered a read: the PoP's own cache, its regional tier, or a central store. */
export type KvReadSource = "pop" | "tier" | "central";

/** The regional tier a PoP reads through: its region in the PoP dataset, or itself when the code is not in it. */
export function defaultTierOf(pop: string): string {
  return popByCode(pop)?.region ?? pop;
}

const distance = new LatencyModel({ rng: new Rng(0) });

/**
 * Modelled network time of one read, round trips only: 0 for the PoP's cache, PoP ↔ tier hub
 * for a tier hit, plus tier hub ↔ nearest central store for a cold read. Reads take no
 * virtual time in the store (the Workers runtime answers them in the same turn); this is the
 * figure to quote beside them. NaN when a place is not in the PoP dataset.
 */
export function readNetworkMs(pop: string, tier: string, source: KvReadSource): number {
  if (source === "pop") return 0;
  const here = popByCode(pop);
  const hubCode = KV_TIER_HUB_BY_REGION[tier as Region] as string | undefined;
  const hub = popByCode(hubCode ?? pop);
  if (here === undefined || hub === undefined) return Number.NaN;
  const toTier = 2 * distance.propagationMs(here, hub);
  if (source === "tier") return toTier;
  const centrals = KV_CENTRAL_STORE_CITIES.map((code) => popByCode(code)).filter((p) => p !== undefined);
  const nearest = centrals.reduce((a, b) => (greatCircleKm(hub, b) < greatCircleKm(hub, a) ? b : a));
  return toTier + 2 * distance.propagationMs(hub, nearest);
}
