import type { Region } from "./pops.js";

/**
 * Where simulated end users live: large metro areas, plus a few remote ones (Honolulu,
 * Reykjavík, Ulaanbaatar, Perth, Nairobi, Lima) whose nearest big hub is far away, so that
 * anycast routing and PoP placement make a visible difference to their latency.
 *
 * The weight is a rough count of the metro's online users in millions, estimated from the
 * metro's population times its country's Internet penetration (ITU "Facts and Figures"
 * orders of magnitude). Only ratios matter; the figures are meant to be right to within a
 * factor of two, not to be statistics. Coordinates are the city centre.
 *
 * Row layout: [id, city, ISO 3166-1 alpha-2 country, region, lat, lon, weight].
 */
export const CLIENT_ROWS: ReadonlyArray<readonly [string, string, string, Region, number, number, number]> = [
  // North America.
  ["nyc", "New York", "US", "NA", 40.71, -74.01, 18],
  ["lax", "Los Angeles", "US", "NA", 34.05, -118.24, 12],
  ["chi", "Chicago", "US", "NA", 41.88, -87.63, 8.5],
  ["dal", "Dallas", "US", "NA", 32.78, -96.8, 7],
  ["hou", "Houston", "US", "NA", 29.76, -95.37, 6.5],
  ["atl", "Atlanta", "US", "NA", 33.75, -84.39, 5.5],
  ["mia", "Miami", "US", "NA", 25.76, -80.19, 5.5],
  ["sfo", "San Francisco", "US", "NA", 37.77, -122.42, 6.5],
  ["sea", "Seattle", "US", "NA", 47.61, -122.33, 3.8],
  ["den", "Denver", "US", "NA", 39.74, -104.99, 2.8],
  ["hnl", "Honolulu", "US", "NA", 21.31, -157.86, 0.9],
  ["tor", "Toronto", "CA", "NA", 43.65, -79.38, 6],
  ["van", "Vancouver", "CA", "NA", 49.28, -123.12, 2.5],
  ["mex", "Mexico City", "MX", "NA", 19.43, -99.13, 17],
  ["gua", "Guatemala City", "GT", "NA", 14.63, -90.51, 2],
  // South America.
  ["sao", "São Paulo", "BR", "SA", -23.55, -46.63, 19],
  ["rio", "Rio de Janeiro", "BR", "SA", -22.91, -43.17, 11],
  ["for", "Fortaleza", "BR", "SA", -3.73, -38.53, 3.3],
  ["bue", "Buenos Aires", "AR", "SA", -34.6, -58.38, 13],
  ["scl", "Santiago", "CL", "SA", -33.45, -70.67, 6.5],
  ["lim", "Lima", "PE", "SA", -12.05, -77.04, 8],
  ["bog", "Bogotá", "CO", "SA", 4.71, -74.07, 8],
  // Europe.
  ["lon", "London", "GB", "EU", 51.51, -0.13, 9.5],
  ["par", "Paris", "FR", "EU", 48.86, 2.35, 11],
  ["ber", "Berlin", "DE", "EU", 52.52, 13.4, 4.5],
  ["mad", "Madrid", "ES", "EU", 40.42, -3.7, 6.3],
  ["rom", "Rome", "IT", "EU", 41.9, 12.5, 3.8],
  ["waw", "Warsaw", "PL", "EU", 52.23, 21.01, 2.8],
  ["sto", "Stockholm", "SE", "EU", 59.33, 18.07, 2.3],
  ["iev", "Kyiv", "UA", "EU", 50.45, 30.52, 3],
  ["ist", "Istanbul", "TR", "EU", 41.01, 28.98, 13],
  ["mow", "Moscow", "RU", "EU", 55.76, 37.62, 13],
  ["rey", "Reykjavík", "IS", "EU", 64.15, -21.94, 0.23],
  // Africa.
  ["cai", "Cairo", "EG", "AF", 30.04, 31.24, 15],
  ["cas", "Casablanca", "MA", "AF", 33.57, -7.59, 3.5],
  ["los", "Lagos", "NG", "AF", 6.52, 3.38, 9],
  ["acc", "Accra", "GH", "AF", 5.6, -0.19, 3],
  ["kin", "Kinshasa", "CD", "AF", -4.44, 15.27, 4],
  ["nbo", "Nairobi", "KE", "AF", -1.29, 36.82, 3.5],
  ["add", "Addis Ababa", "ET", "AF", 9.03, 38.74, 2.5],
  ["jnb", "Johannesburg", "ZA", "AF", -26.2, 28.05, 8],
  // Middle East.
  ["thr", "Tehran", "IR", "ME", 35.69, 51.39, 11],
  ["ruh", "Riyadh", "SA", "ME", 24.71, 46.68, 7.5],
  ["dxb", "Dubai", "AE", "ME", 25.2, 55.27, 3.5],
  ["tlv", "Tel Aviv", "IL", "ME", 32.09, 34.78, 3.5],
  ["bgw", "Baghdad", "IQ", "ME", 33.31, 44.36, 5.5],
  // Asia.
  ["tyo", "Tokyo", "JP", "AS", 35.68, 139.69, 34],
  ["osa", "Osaka", "JP", "AS", 34.69, 135.5, 16],
  ["sel", "Seoul", "KR", "AS", 37.57, 126.98, 25],
  ["pek", "Beijing", "CN", "AS", 39.9, 116.41, 19],
  ["sha", "Shanghai", "CN", "AS", 31.23, 121.47, 23],
  ["can", "Guangzhou", "CN", "AS", 23.13, 113.26, 16],
  ["hkg", "Hong Kong", "HK", "AS", 22.32, 114.17, 7],
  ["tpe", "Taipei", "TW", "AS", 25.03, 121.57, 6.5],
  ["mnl", "Manila", "PH", "AS", 14.6, 120.98, 17],
  ["sgn", "Ho Chi Minh City", "VN", "AS", 10.82, 106.63, 10],
  ["bkk", "Bangkok", "TH", "AS", 13.76, 100.5, 14],
  ["kul", "Kuala Lumpur", "MY", "AS", 3.14, 101.69, 7.5],
  ["sin", "Singapore", "SG", "AS", 1.35, 103.82, 5.5],
  ["jkt", "Jakarta", "ID", "AS", -6.21, 106.85, 25],
  ["del", "Delhi", "IN", "AS", 28.61, 77.21, 24],
  ["bom", "Mumbai", "IN", "AS", 19.08, 72.88, 19],
  ["blr", "Bangalore", "IN", "AS", 12.97, 77.59, 10],
  ["dac", "Dhaka", "BD", "AS", 23.81, 90.41, 12],
  ["khi", "Karachi", "PK", "AS", 24.86, 67.01, 9],
  ["tas", "Tashkent", "UZ", "AS", 41.3, 69.24, 2.3],
  ["uln", "Ulaanbaatar", "MN", "AS", 47.89, 106.91, 1.3],
  // Oceania.
  ["syd", "Sydney", "AU", "OC", -33.87, 151.21, 5],
  ["mel", "Melbourne", "AU", "OC", -37.81, 144.96, 4.8],
  ["per", "Perth", "AU", "OC", -31.95, 115.86, 2],
  ["akl", "Auckland", "NZ", "OC", -36.85, 174.76, 1.6],
];
