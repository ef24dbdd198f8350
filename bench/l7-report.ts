/**
 * L7 report: WAF detection and false-positive rates per attack class and paranoia level,
 * tiered-cache hit ratio and origin offload on a Zipf workload with and without an upper
 * tier, and smart-routing improvement over direct paths.
 *
 * Run alone: node --no-node-snapshot --import tsx bench/l7-report.ts
 */
import { pathToFileURL } from "node:url";
import { CrsRuleset, ManagedRuleset, findCrs, wafRequest, type ParanoiaLevel, type WafRequest } from "../src/waf/index.js";
import { runZipfWorkload } from "../src/cache/index.js";
import { runImprovementStudy } from "../src/routing/index.js";
import { POPS, Rng } from "../src/sim/index.js";
import { ATTACK_REQUESTS, BENIGN } from "../test/platform/waf/corpus/index.js";
import { type BenchRow } from "./lib/rows.js";


const SEED = 20_241_128;
const CACHE_POPS = ["LHR", "FRA", "CDG", "AMS", "IAD", "ORD", "SJC", "NRT", "SIN", "SYD"];

function wafRows(): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const pl of [1, 2, 3, 4] as ParanoiaLevel[]) {
    const waf = new ManagedRuleset({ paranoiaLevel: pl });
    for (const [cls, requests] of Object.entries(ATTACK_REQUESTS)) {
      const blocked = requests.filter((r) => waf.evaluate(r).blocked).length;
      rows.push({ name: `waf PL${pl} ${cls} detection`, value: (100 * blocked) / requests.length, unit: "%", note: `${blocked}/${requests.length}` });
    }
    const fp = BENIGN.filter((r) => waf.evaluate(r).blocked).length;
    rows.push({ name: `waf PL${pl} false positives`, value: (100 * fp) / BENIGN.length, unit: "%", note: `${fp}/${BENIGN.length} benign` });
  }
  return rows;
}

/** CPU per request, µs: the mean over `n` evaluations after a warm-up, by process.cpuUsage. */
function cpuMicros(evaluate: (r: WafRequest) => unknown, request: WafRequest, n: number): number {
  for (let i = 0; i < 200; i++) evaluate(request);
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) evaluate(request);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

/** The installed OWASP CRS at PL1 beside the built-in rules: detection, false positives, CPU. */
function crsRows(): BenchRow[] {
  if (findCrs() === undefined) return [{ name: "waf CRS (not installed)", value: 0, unit: "", note: "apt-get install modsecurity-crs" }];
  const crs = new CrsRuleset();
  const builtin = new ManagedRuleset({ paranoiaLevel: 1 });
  const rows: BenchRow[] = [];
  for (const [cls, requests] of Object.entries(ATTACK_REQUESTS)) {
    const blocked = requests.filter((r) => crs.evaluate(r).blocked).length;
    rows.push({ name: `waf CRS ${crs.summary.version} PL1 ${cls} detection`, value: (100 * blocked) / requests.length, unit: "%", note: `${blocked}/${requests.length}` });
  }
  const fp = BENIGN.filter((r) => crs.evaluate(r).blocked).length;
  rows.push({ name: `waf CRS ${crs.summary.version} PL1 false positives`, value: (100 * fp) / BENIGN.length, unit: "%", note: `${fp}/${BENIGN.length} benign` });
  const clean = wafRequest("https://shop.example.com/search?q=running+shoes&page=2", {
    headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", accept: "text/html,*/*;q=0.8", "accept-language": "en", cookie: "sid=4f2a9c; theme=dark" },
  });
  const crsUs = cpuMicros((r) => crs.evaluate(r), clean, 2000);
  const builtinUs = cpuMicros((r) => builtin.evaluate(r), clean, 20_000);
  rows.push({ name: "waf CPU per clean request, CRS PL1", value: crsUs, unit: "µs", note: `${crs.summary.rulesLoaded} request rules` });
  rows.push({ name: "waf CPU per clean request, built-in PL1", value: builtinUs, unit: "µs", note: "same run" });
  rows.push({ name: "waf CPU, CRS vs built-in", value: crsUs / builtinUs, unit: "ratio", note: "same run, same request" });
  return rows;
}

async function cacheRows(): Promise<BenchRow[]> {
  const base = { pops: CACHE_POPS, requests: 100_000, objects: 20_000, zipfS: 1.0 };
  const flat = await runZipfWorkload({ ...base, rng: new Rng(SEED), upperTierOf: null });
  const tiered = await runZipfWorkload({ ...base, rng: new Rng(SEED), upperTierOf: () => "FRA" });
  const note = "10 PoPs, 100k requests, 20k objects, Zipf s=1.0, max-age 1 h";
  return [
    { name: "cache edge hit ratio (lower tier only)", value: 100 * flat.edgeHitRatio, unit: "%", note },
    { name: "cache origin offload (lower tier only)", value: 100 * flat.originOffload, unit: "%", note: `${flat.originRequests} origin requests` },
    { name: "cache edge hit ratio (with upper tier)", value: 100 * tiered.edgeHitRatio, unit: "%", note },
    { name: "cache origin offload (with upper tier)", value: 100 * tiered.originOffload, unit: "%", note: `${tiered.originRequests} origin requests` },
    { name: "cache origin requests, upper tier vs none", value: tiered.originRequests / flat.originRequests, unit: "ratio", note: "same seed, same run" },
  ];
}

function routingRows(): BenchRow[] {
  const study = runImprovementStudy({ pops: POPS, seed: SEED, samples: 2000 });
  const note = `${POPS.length} PoPs, ${study.samples} random (PoP, origin PoP, time) samples`;
  return [
    { name: "routing improvement over direct p50", value: study.p50Pct, unit: "%", note },
    { name: "routing improvement over direct p90", value: study.p90Pct, unit: "%", note },
    { name: "routing improvement over direct mean", value: study.meanPct, unit: "%", note },
    { name: "routing share of paths via backbone", value: 100 * study.backboneShare, unit: "%", note },
  ];
}

export async function run(): Promise<BenchRow[]> {
  return [...wafRows(), ...crsRows(), ...(await cacheRows()), ...routingRows()];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await run();
  console.log("| metric | value | unit | note |\n|---|---:|---|---|");
  for (const r of rows) console.log(`| ${r.name} | ${r.value.toFixed(r.unit === "ratio" ? 3 : 1)} | ${r.unit} | ${r.note ?? ""} |`);
}
