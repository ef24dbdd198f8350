import type { Region } from "./pops.js";

/** [code, city, country, region, lat, lon] — placeholder until the full dataset lands. */
export const POP_ROWS: ReadonlyArray<readonly [string, string, string, Region, number, number]> = [
  ["LHR", "London", "GB", "EU", 51.47, -0.4543],
  ["IAD", "Ashburn", "US", "NA", 38.9445, -77.4558],
  ["NRT", "Tokyo", "JP", "AS", 35.772, 140.3929],
];
