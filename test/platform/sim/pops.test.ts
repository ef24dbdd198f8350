import { describe, expect, it } from "vitest";
import {
  CLIENT_POPULATIONS,
  POPS,
  greatCircleKm,
  popByCode,
  type LatLon,
  type Pop,
  type Region,
} from "../../../src/sim/index.js";

const REGIONS: readonly Region[] = ["NA", "SA", "EU", "AF", "ME", "AS", "OC"];

// Coarse boxes [latMin, latMax, lonMin, lonMax] that each region's cities must fall in; two boxes
// for Oceania because it straddles the antimeridian. A swapped sign or a lat/lon swap lands a
// city on the wrong continent and outside its box.
const REGION_BOXES: Record<Region, ReadonlyArray<readonly [number, number, number, number]>> = {
  NA: [[5, 72, -170, -50]],
  SA: [[-56, 13, -82, -34]],
  EU: [[34, 72, -25, 61]],
  AF: [[-36, 38, -18, 58]],
  ME: [[12, 38, 34, 60]],
  AS: [[-11, 60, 60, 146]],
  OC: [
    [-48, 22, 110, 180],
    [-48, 22, -180, -140],
  ],
};

function inRegionBox(p: LatLon & { region: Region }): boolean {
  return REGION_BOXES[p.region].some(
    ([latMin, latMax, lonMin, lonMax]) => p.lat >= latMin && p.lat <= latMax && p.lon >= lonMin && p.lon <= lonMax,
  );
}

function nearestPop(point: LatLon): { pop: Pop; km: number } {
  let best = { pop: POPS[0]!, km: Infinity };
  for (const pop of POPS) {
    const km = greatCircleKm(point, pop);
    if (km < best.km) best = { pop, km };
  }
  return best;
}

describe("PoP dataset", () => {
  it("has at least 300 PoPs with unique three-letter codes, all reachable through popByCode", () => {
    expect(POPS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(POPS.map((p) => p.code)).size).toBe(POPS.length);
    for (const pop of POPS) {
      expect(pop.code).toMatch(/^[A-Z]{3}$/);
      expect(popByCode(pop.code)).toBe(pop);
    }
    expect(popByCode("XXX")).toBeUndefined();
  });

  it("has valid coordinates, two-letter country codes and a known region on every row", () => {
    for (const pop of POPS) {
      expect(pop.lat, pop.code).toBeGreaterThanOrEqual(-90);
      expect(pop.lat, pop.code).toBeLessThanOrEqual(90);
      expect(pop.lon, pop.code).toBeGreaterThanOrEqual(-180);
      expect(pop.lon, pop.code).toBeLessThanOrEqual(180);
      expect(pop.country, pop.code).toMatch(/^[A-Z]{2}$/);
      expect(REGIONS, pop.code).toContain(pop.region);
      expect(pop.city.length, pop.code).toBeGreaterThan(0);
    }
  });

  it("places every PoP inside its region's bounding box (catches sign and lat/lon swaps)", () => {
    const misplaced = POPS.filter((p) => !inRegionBox(p)).map((p) => `${p.code} ${p.lat},${p.lon}`);
    expect(misplaced).toEqual([]);
  });

  it("covers every region with realistic density and more than 100 countries", () => {
    const minimum: Record<Region, number> = { NA: 40, SA: 15, EU: 40, AF: 15, ME: 10, AS: 60, OC: 8 };
    for (const region of REGIONS) {
      const count = POPS.filter((p) => p.region === region).length;
      expect(count, region).toBeGreaterThanOrEqual(minimum[region]);
    }
    expect(new Set(POPS.map((p) => p.country)).size).toBeGreaterThanOrEqual(100);
  });

  it("lists each city once and never puts two PoPs on the same spot", () => {
    expect(new Set(POPS.map((p) => `${p.country}/${p.city}`)).size).toBe(POPS.length);
    const tooClose: string[] = [];
    for (let i = 0; i < POPS.length; i++) {
      for (let j = i + 1; j < POPS.length; j++) {
        if (greatCircleKm(POPS[i]!, POPS[j]!) <= 5) tooClose.push(`${POPS[i]!.code}-${POPS[j]!.code}`);
      }
    }
    expect(tooClose).toEqual([]);
  });

  it("keeps each country in one region, except Russia which spans Europe and Asia", () => {
    const regionsByCountry = new Map<string, Set<Region>>();
    for (const pop of POPS) {
      const set = regionsByCountry.get(pop.country) ?? new Set<Region>();
      set.add(pop.region);
      regionsByCountry.set(pop.country, set);
    }
    const split = [...regionsByCountry].filter(([, set]) => set.size > 1).map(([country]) => country);
    expect(split).toEqual(["RU"]);
  });

  it("puts well-known PoPs where their cities are", () => {
    const lhr = popByCode("LHR");
    expect(lhr).toBeDefined();
    expect(greatCircleKm(lhr!, { lat: 51.5, lon: -0.13 })).toBeLessThan(50);
    // Reference points: city-centre coordinates from any atlas.
    const known: ReadonlyArray<readonly [string, number, number]> = [
      ["IAD", 39.04, -77.49],
      ["NRT", 35.68, 139.69],
      ["FRA", 50.11, 8.68],
      ["SIN", 1.35, 103.82],
      ["GRU", -23.55, -46.63],
      ["JNB", -26.2, 28.05],
      ["SYD", -33.87, 151.21],
    ];
    for (const [code, lat, lon] of known) {
      expect(greatCircleKm(popByCode(code)!, { lat, lon }), code).toBeLessThan(50);
    }
    expect(popByCode("SYD")!.lat).toBeLessThan(0);
    expect(popByCode("GRU")!.lat).toBeLessThan(0);
    expect(popByCode("LAX")!.lon).toBeLessThan(0);
    expect(popByCode("NRT")!.lon).toBeGreaterThan(0);
  });
});

describe("client populations", () => {
  it("have unique ids, positive weights and valid coordinates", () => {
    expect(CLIENT_POPULATIONS.length).toBeGreaterThanOrEqual(50);
    expect(new Set(CLIENT_POPULATIONS.map((c) => c.id)).size).toBe(CLIENT_POPULATIONS.length);
    for (const client of CLIENT_POPULATIONS) {
      expect(client.id).toMatch(/^[a-z]+$/);
      expect(client.weight, client.id).toBeGreaterThan(0);
      expect(Number.isFinite(client.weight), client.id).toBe(true);
      expect(client.country, client.id).toMatch(/^[A-Z]{2}$/);
      expect(inRegionBox(client), client.id).toBe(true);
    }
  });

  it("cover every region", () => {
    for (const region of REGIONS) {
      expect(CLIENT_POPULATIONS.some((c) => c.region === region), region).toBe(true);
    }
  });

  it("each have a PoP within 3,000 km, so the network has no huge holes", () => {
    const far = CLIENT_POPULATIONS.map((c) => ({ id: c.id, ...nearestPop(c) }))
      .filter((n) => n.km > 3000)
      .map((n) => `${n.id} -> ${n.pop.code} ${Math.round(n.km)} km`);
    expect(far).toEqual([]);
  });

  it("include remote places whose nearest PoP is the local one, not a distant hub", () => {
    // Honolulu, Reykjavík and Perth are thousands of km from the nearest big hub; a dataset that
    // lost their local PoP would send them across an ocean.
    const expected: ReadonlyArray<readonly [string, string]> = [
      ["hnl", "HNL"],
      ["rey", "KEF"],
      ["per", "PER"],
      ["uln", "ULN"],
    ];
    for (const [id, code] of expected) {
      const client = CLIENT_POPULATIONS.find((c) => c.id === id);
      expect(client, id).toBeDefined();
      expect(nearestPop(client!).pop.code, id).toBe(code);
    }
  });
});
