import type { Region } from "./pops.js";

/** [id, city, country, region, lat, lon, weight] — placeholder until the full dataset lands. */
export const CLIENT_ROWS: ReadonlyArray<readonly [string, string, string, Region, number, number, number]> = [
  ["lon", "London", "GB", "EU", 51.5074, -0.1278, 10],
  ["nyc", "New York", "US", "NA", 40.7128, -74.006, 12],
  ["tyo", "Tokyo", "JP", "AS", 35.6762, 139.6503, 11],
];
