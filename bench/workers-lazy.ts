// What the runtime's lazy modules cost, and the streams comparison issue 18 asked for: each lazy
// module's one-time load on first use (compile from the code cache + install) on a warm isolate,
// and cold starts of a worker using a TransformStream from this runtime's streams or from
// web-streams-polyfill 4.3.0 (the reference implementation). Run alone with:
//   node --no-node-snapshot --import tsx bench/workers-lazy.ts
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { WallClock } from "../src/sim/clock.js";
import { Worker } from "../src/workers/index.js";
import { spareIsolates } from "../src/workers/spare-isolates.js";
import { type BenchRow } from "./lib/rows.js";

export type { BenchRow };

const RUNS = 40;
const BENCH_CPU_MS_MAX = 1_000;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A first touch of each lazy module, as a worker's code would do it. */
const TOUCH: Record<string, string> = {
  events: "new AbortController().abort()",
  forms: "new FormData().append('a', 'b')",
  "web-streams": "new TransformStream()",
  crypto: "crypto.getRandomValues(new Uint8Array(8))",
  platform: "navigator.userAgent",
  cache: "caches.default",
  "html-rewriter": "new HTMLRewriter().on('p', {})",
  websocket: "new WebSocketPair()[1].accept()",
};

/** Request time for touching `module` the first time on a warm isolate, minus a second touch. */
async function firstUse(module: string): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const w = new Worker(`export default { fetch(r) { if (r.url.endsWith("/touch")) { ${TOUCH[module]}; } return new Response("ok"); } };`, { name: `lazy-${module}-${i}`, cpuMsMax: BENCH_CPU_MS_MAX }, { clock: new WallClock() });
    await (await w.fetch(new Request("https://bench.example/"))).response.text();
    const t0 = performance.now();
    await (await w.fetch(new Request("https://bench.example/touch"))).response.text();
    const first = performance.now() - t0;
    const t1 = performance.now();
    await (await w.fetch(new Request("https://bench.example/touch"))).response.text();
    const again = performance.now() - t1;
    w.dispose();
    if (i >= 3) samples.push(first - again);
  }
  return samples;
}

/** Cold starts (isolate built on demand) of a worker that answers its first request through `body`. */
async function coldStarts(label: string, prelude: string, body: string): Promise<number[] & { failed?: number }> {
  const samples: number[] & { failed?: number } = [];
  samples.failed = 0;
  spareIsolates.enabled = false;
  spareIsolates.clear();
  try {
    for (let i = 0; i < RUNS + 3; i++) {
      const w = new Worker(`${prelude}\nexport default { async fetch(request) { ${body} } };`, { name: `${label}-${i}`, cpuMsMax: BENCH_CPU_MS_MAX }, { clock: new WallClock() });
      const t0 = performance.now();
      const r = await w.fetch(new Request("https://bench.example/"));
      const text = await r.response.text();
      const ms = performance.now() - t0;
      w.dispose();
      // A start over the 400 ms startup limit on a starved host is counted, not timed.
      if (r.outcome !== "ok" || text !== "HELLO") {
        if (!/failed to start: Script execution timed out/.test(JSON.stringify(r.logs))) throw new Error(`${label}: ${r.outcome} ${text} ${JSON.stringify(r.logs)}`);
        samples.failed! += 1;
        continue;
      }
      if (i >= 3) samples.push(ms);
    }
  } finally {
    spareIsolates.enabled = true;
  }
  return samples;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const module of Object.keys(TOUCH)) {
    const samples = await firstUse(module);
    rows.push({ name: `first use of lazy module "${module}" p50`, value: percentile(samples, 50), unit: "ms", note: `${TOUCH[module]}: first request that touches it minus the next one, warm isolate, n=${samples.length}` });
  }
  // The streams comparison: a cold start whose first request pipes one chunk through a
  // TransformStream, with this runtime's streams (the lazy module) or with web-streams-polyfill
  // (the reference implementation) bundled into the worker, beside a plain hello world.
  const require = createRequire(import.meta.url);
  const polyfill = readFileSync(require.resolve("web-streams-polyfill/dist/ponyfill.js"), "utf8").replace(/\/\/# sourceMappingURL=.*$/m, "");
  const ownCore = readFileSync(new URL("../src/workers/runtime/streams.js", import.meta.url), "utf8");
  const ownLazy = readFileSync(new URL("../src/workers/runtime/lazy/web-streams.js", import.meta.url), "utf8");
  const upper = (ns: string): string => `const t = new ${ns}TransformStream({ transform(c, k) { k.enqueue(c.toUpperCase()); } });
    const w = t.writable.getWriter(); w.write("hello"); w.close();
    const r = t.readable.getReader(); const { value } = await r.read(); return new Response(value);`;
  const hello = await coldStarts("hello", "", `return new Response("HELLO");`);
  const own = await coldStarts("own-streams", "", upper(""));
  // The ponyfill's UMD wrapper assigns to globalThis.WebStreamsPolyfill when there is no module system.
  const poly = await coldStarts("polyfill-streams", polyfill, upper("globalThis.WebStreamsPolyfill."));
  rows.push(
    { name: "cold start, hello world p50", value: percentile(hello, 50), unit: "ms", note: `isolate built on demand, n=${hello.length}` },
    { name: "cold start, TransformStream with this runtime's streams p50", value: percentile(own, 50), unit: "ms", note: "the web-streams lazy module loads on the first request" },
    { name: "cold start, TransformStream with web-streams-polyfill 4.3.0 p50", value: percentile(poly, 50), unit: "ms", note: `the polyfill's ponyfill build bundled into the worker's module; ${poly.failed ?? 0} starts over the startup limit not counted` },
    { name: "web-streams-polyfill 4.3.0 source size", value: polyfill.length / 1024, unit: "KiB", note: "dist/ponyfill.js, unminified" },
    { name: "this runtime's streams source size", value: (ownCore.length + ownLazy.length) / 1024, unit: "KiB", note: "runtime/streams.js (in every isolate) + runtime/lazy/web-streams.js (on first use), with comments" },
  );
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await run();
  console.log("| benchmark | value | unit | note |\n|---|---:|---|---|");
  for (const r of rows) console.log(`| ${r.name} | ${r.value.toFixed(r.value < 10 ? 2 : 0)} | ${r.unit} | ${r.note ?? ""} |`);
}
