/**
 * CPU per request in the OWASP CRS stage, with and without the prefilter, in one run: a clean
 * browser GET, a clean JSON POST, a curl-like GET (the floor: CRS's protocol checks run on every
 * request), and the project's attack corpus. The prefilter changes no
 * verdict (test/platform/waf/prefilter.test.ts proves it); this measures what it saves.
 *
 * Run alone: node --no-node-snapshot --import tsx bench/waf-crs.ts
 */
import { pathToFileURL } from "node:url";
import { CrsRuleset, findCrs, wafRequest, type WafRequest } from "../src/waf/index.js";
import { ATTACK_REQUESTS } from "../test/platform/waf/corpus/index.js";
import { type BenchRow } from "./lib/rows.js";


const BROWSER = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  accept: "text/html,application/xhtml+xml,*/*;q=0.8",
  "accept-language": "en-GB,en;q=0.7",
  cookie: "sid=4f2a9c; theme=dark",
};

/**
 * Mean CPU µs per request for each rule set over the same requests, by process.cpuUsage, after
 * ~500 warm-up evaluations each. The rule sets take turns in `blocks` short blocks, so a change
 * in the machine's load (it is shared) falls on both alike and their ratio stays meaningful.
 */
function cpuMicros(rulesets: readonly CrsRuleset[], requests: readonly WafRequest[], rounds: number, blocks = 10): number[] {
  for (const crs of rulesets) for (let k = 0; k < Math.ceil(500 / requests.length); k++) for (const r of requests) crs.evaluate(r);
  const used = rulesets.map(() => 0);
  const perBlock = Math.max(1, Math.round(rounds / blocks));
  for (let b = 0; b < blocks; b++) {
    rulesets.forEach((crs, i) => {
      const before = process.cpuUsage();
      for (let k = 0; k < perBlock; k++) for (const r of requests) crs.evaluate(r);
      const u = process.cpuUsage(before);
      used[i]! += u.user + u.system;
    });
  }
  return used.map((u) => u / (blocks * perBlock * requests.length));
}

export async function run(): Promise<BenchRow[]> {
  if (findCrs() === undefined) return [{ name: "CRS not installed", value: 0, unit: "", note: "apt-get install modsecurity-crs" }];
  const fast = new CrsRuleset();
  const general = new CrsRuleset({ prefilter: false });
  const cases: [string, readonly WafRequest[], number][] = [
    ["clean GET", [wafRequest("https://shop.example.com/search?q=running+shoes&page=2", { headers: BROWSER })], 2000],
    [
      "clean JSON POST",
      [wafRequest("https://shop.example.com/api/cart", { method: "POST", headers: { ...BROWSER, "content-type": "application/json" }, body: JSON.stringify({ sku: "A-1234", qty: 2, note: "gift wrap, please" }) })],
      2000,
    ],
    // The floor: a request with almost nothing to inspect still runs CRS's protocol checks.
    ["curl-like GET", [wafRequest("https://shop.example.com/", { headers: { "user-agent": "curl/8.5.0", accept: "*/*" } })], 2000],
    ["attack corpus", Object.values(ATTACK_REQUESTS).flat(), 10],
  ];
  const rows: BenchRow[] = [];
  for (const [name, requests, rounds] of cases) {
    const [withUs, withoutUs] = cpuMicros([fast, general], requests, rounds, Math.min(10, rounds)) as [number, number];
    rows.push({ name: `CRS PL1 CPU per request, ${name}, prefilter`, value: withUs, unit: "µs", note: `${requests.length} request(s)` });
    rows.push({ name: `CRS PL1 CPU per request, ${name}, no prefilter`, value: withoutUs, unit: "µs", note: "same run" });
    rows.push({ name: `CRS PL1 speed-up, ${name}`, value: withoutUs / withUs, unit: "ratio", note: "same run, same requests" });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const r of await run()) console.log(`${r.name}: ${r.value.toFixed(2)} ${r.unit}${r.note ? ` (${r.note})` : ""}`);
}
