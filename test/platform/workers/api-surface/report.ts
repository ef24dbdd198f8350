/**
 * Prints the Workers API coverage of a checkout's runtime as markdown:
 *   node --no-node-snapshot --import tsx test/platform/workers/api-surface/report.ts [path/to/src/workers/index.ts]
 * With a path, the Worker class of that checkout is measured (for before/after comparisons).
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PLATFORM_EXTRA_CLASSES, WEB_PLATFORM_CLASSES, workersChecklist } from "./checklist.js";
import { type ProbeWorker, PROBE_SOURCE, probeSurface, tally } from "./probe.js";

const target = process.argv[2] ? pathToFileURL(resolve(process.argv[2])).href : new URL("../../../../src/workers/index.ts", import.meta.url).href;
const { Worker } = (await import(target)) as { Worker: new (source: string, config: { name: string; cpuMsMax?: number }) => ProbeWorker };
const worker = new Worker(PROBE_SOURCE, { name: "api-probe", cpuMsMax: 5_000 });
const checklist = workersChecklist();
const coverage = await probeSurface(worker, checklist);
worker.dispose();
const mine = tally(coverage, WEB_PLATFORM_CLASSES);
const extra = tally(coverage, PLATFORM_EXTRA_CLASSES);
const pct = (t: { present: number; total: number }): string => `${t.present}/${t.total} (${((100 * t.present) / t.total).toFixed(1)}%)`;
console.log(`@cloudflare/workers-types ${checklist.version}\n`);
console.log(`| scope | members present |\n|---|---|`);
console.log(`| web platform + WebCrypto (${WEB_PLATFORM_CLASSES.length} classes) | ${pct(mine)} |`);
console.log(`| Cache API, HTMLRewriter, WebSockets (${PLATFORM_EXTRA_CLASSES.length} classes) | ${pct(extra)} |`);
console.log(`| platform globals | ${coverage.globals.present.length}/${checklist.globals.length} |`);
console.log(`\n| class | present | missing |\n|---|---|---|`);
for (const c of coverage.classes) console.log(`| ${c.name} | ${c.total - c.missing.length}/${c.total} | ${c.present ? c.missing.join(", ") : "(no global)"} |`);
for (const o of coverage.objects) console.log(`| ${o.name} (object) | ${o.total - o.missing.length}/${o.total} | ${o.missing.join(", ")} |`);
console.log(`\nmissing globals: ${coverage.globals.missing.join(", ") || "none"}`);
