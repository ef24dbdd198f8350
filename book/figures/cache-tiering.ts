/**
 * Figure: what an upper tier buys. The same seeded Zipf request stream (`runZipfWorkload`)
 * is replayed over ten PoPs three times: every PoP missing to the origin, each PoP missing to
 * its region's upper tier (`regionalUpperTiers`), and every PoP missing to one upper tier
 * (Smart Tiered Cache's single best upper tier). A smaller run than `bench/l7-report.ts`, so
 * the book builds fast; the benchmark has the full-size numbers.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { regionalUpperTiers, runZipfWorkload, type ZipfWorkloadResult } from "../../src/cache/index.js";
import { Rng, popByCode, type Pop } from "../../src/sim/index.js";
import { barChart } from "./lib/svg.js";

export const FIGURE_SEED = 11;
const CACHE_POPS = ["LHR", "FRA", "CDG", "AMS", "IAD", "ORD", "SJC", "NRT", "SIN", "SYD"];
export const WORKLOAD = { requests: 6_000, objects: 1_500, zipfS: 1.0 } as const;

export async function render(): Promise<string> {
  const pops = CACHE_POPS.filter((c) => popByCode(c) !== undefined);
  const members: Pop[] = pops.map((c) => popByCode(c)!);
  const run = (upperTierOf: ((pop: string) => string | null) | null): Promise<ZipfWorkloadResult> =>
    runZipfWorkload({ ...WORKLOAD, pops, rng: new Rng(FIGURE_SEED), upperTierOf });
  const flat = await run(null);
  const regional = await run(regionalUpperTiers(members));
  const single = await run(() => "FRA");
  const upperTiers = new Set(pops.map(regionalUpperTiers(members))).size;
  return barChart({
    title: `Requests reaching the origin: ${flat.originRequests} without an upper tier, ${regional.originRequests} regional, ${single.originRequests} with one`,
    yLabel: "% of client requests",
    categories: ["answered by the PoP's own cache", "kept away from the origin"],
    series: [
      { name: "no upper tier", values: [flat.edgeHitRatio * 100, flat.originOffload * 100] },
      { name: `regional (${upperTiers} tiers)`, values: [regional.edgeHitRatio * 100, regional.originOffload * 100] },
      { name: "one upper tier", values: [single.edgeHitRatio * 100, single.originOffload * 100] },
    ],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeFileSync(process.argv[2] ?? "cache-tiering.svg", await render());
