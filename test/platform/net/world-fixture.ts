import type { ClientPopulation, Pop, Region } from "../../../src/sim/index.js";

/**
 * A fixed small world so the tests do not depend on the size of the shared dataset (which is
 * still growing). Coordinates are the cities' public ones.
 */
const POP_ROWS: ReadonlyArray<readonly [string, string, Region, number, number]> = [
  ["LHR", "GB", "EU", 51.47, -0.45], ["CDG", "FR", "EU", 49.01, 2.55], ["AMS", "NL", "EU", 52.31, 4.76],
  ["FRA", "DE", "EU", 50.04, 8.56], ["IAD", "US", "NA", 38.94, -77.46], ["ORD", "US", "NA", 41.97, -87.91],
  ["DFW", "US", "NA", 32.9, -97.04], ["LAX", "US", "NA", 33.94, -118.41], ["SJC", "US", "NA", 37.36, -121.93],
  ["NRT", "JP", "AS", 35.77, 140.39], ["HKG", "HK", "AS", 22.31, 113.91], ["SIN", "SG", "AS", 1.36, 103.99],
  ["BOM", "IN", "AS", 19.09, 72.87], ["SYD", "AU", "OC", -33.94, 151.18], ["GRU", "BR", "SA", -23.43, -46.47],
  ["JNB", "ZA", "AF", -26.14, 28.24],
];
const CLIENT_ROWS: ReadonlyArray<readonly [string, string, Region, number, number, number]> = [
  ["lon", "GB", "EU", 51.51, -0.13, 10], ["man", "GB", "EU", 53.48, -2.24, 3], ["par", "FR", "EU", 48.86, 2.35, 8],
  ["lyo", "FR", "EU", 45.76, 4.84, 2], ["ber", "DE", "EU", 52.52, 13.4, 6], ["muc", "DE", "EU", 48.14, 11.58, 4],
  ["ams", "NL", "EU", 52.37, 4.9, 4], ["mad", "ES", "EU", 40.42, -3.7, 5], ["rom", "IT", "EU", 41.9, 12.5, 5],
  ["waw", "PL", "EU", 52.23, 21.01, 3], ["nyc", "US", "NA", 40.71, -74.01, 12], ["bos", "US", "NA", 42.36, -71.06, 4],
  ["was", "US", "NA", 38.91, -77.04, 5], ["chi", "US", "NA", 41.88, -87.63, 6], ["hou", "US", "NA", 29.76, -95.37, 4],
  ["den", "US", "NA", 39.74, -104.99, 3], ["sea", "US", "NA", 47.61, -122.33, 4], ["sfo", "US", "NA", 37.77, -122.42, 6],
  ["lax", "US", "NA", 34.05, -118.24, 8], ["tor", "CA", "NA", 43.65, -79.38, 5], ["mex", "MX", "NA", 19.43, -99.13, 6],
  ["tyo", "JP", "AS", 35.68, 139.65, 11], ["osa", "JP", "AS", 34.69, 135.5, 4], ["sel", "KR", "AS", 37.57, 126.98, 7],
  ["hkg", "HK", "AS", 22.32, 114.17, 4], ["sin", "SG", "AS", 1.35, 103.82, 3], ["jkt", "ID", "AS", -6.21, 106.85, 7],
  ["bkk", "TH", "AS", 13.76, 100.5, 5], ["del", "IN", "AS", 28.61, 77.21, 9], ["bom", "IN", "AS", 19.08, 72.88, 8],
  ["syd", "AU", "OC", -33.87, 151.21, 4], ["mel", "AU", "OC", -37.81, 144.96, 4], ["akl", "NZ", "OC", -36.85, 174.76, 2],
  ["sao", "BR", "SA", -23.55, -46.63, 9], ["rio", "BR", "SA", -22.91, -43.17, 4], ["bue", "AR", "SA", -34.6, -58.38, 4],
  ["jnb", "ZA", "AF", -26.2, 28.05, 3], ["cpt", "ZA", "AF", -33.92, 18.42, 2], ["lag", "NG", "AF", 6.52, 3.38, 5],
  ["nbo", "KE", "AF", -1.29, 36.82, 2],
];

export const TEST_POPS: readonly Pop[] = POP_ROWS.map(([code, country, region, lat, lon]) => ({
  code, city: code, country, region, lat, lon,
}));
export const TEST_CLIENTS: readonly ClientPopulation[] = CLIENT_ROWS.map(([id, country, region, lat, lon, weight]) => ({
  id, city: id, country, region, lat, lon, weight,
}));
