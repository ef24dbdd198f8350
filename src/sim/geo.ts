/** Great-circle geometry on a spherical Earth (haversine); good to ~0.5% for latency work. */
export const EARTH_RADIUS_KM = 6371.0088; // IUGG mean Earth radius

export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

export function greatCircleKm(a: LatLon, b: LatLon): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
