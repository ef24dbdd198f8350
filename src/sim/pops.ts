import type { LatLon } from "./geo.js";
import { POP_ROWS } from "./pop-data.js";
import { CLIENT_ROWS } from "./client-data.js";

export type Region = "NA" | "SA" | "EU" | "AF" | "ME" | "AS" | "OC";

/** A point of presence: one city where the edge network runs servers. */
export interface Pop extends LatLon {
  /** IATA-style code of the city's main airport, as Cloudflare names its PoPs (e.g. "LHR"). */
  readonly code: string;
  readonly city: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly region: Region;
}

/** A population of end users, weighted by its share of Internet traffic. */
export interface ClientPopulation extends LatLon {
  readonly id: string;
  readonly city: string;
  readonly country: string;
  readonly region: Region;
  /** Relative traffic weight; only ratios matter. */
  readonly weight: number;
}

export const POPS: readonly Pop[] = POP_ROWS.map(([code, city, country, region, lat, lon]) => ({
  code,
  city,
  country,
  region,
  lat,
  lon,
}));

export const CLIENT_POPULATIONS: readonly ClientPopulation[] = CLIENT_ROWS.map(
  ([id, city, country, region, lat, lon, weight]) => ({ id, city, country, region, lat, lon, weight }),
);

const POPS_BY_CODE = new Map(POPS.map((p) => [p.code, p]));

/**
 * Where origins sit unless told otherwise: Ashburn (IAD), the densest data-centre market, so
 * the modelled origin leg of the edge and the Durable Objects host default to it.
 */
export const ORIGIN_POP_DEFAULT = "IAD";

export function popByCode(code: string): Pop | undefined {
  return POPS_BY_CODE.get(code);
}
