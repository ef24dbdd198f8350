// Worker build benchmark: bundling the hono fixture (TypeScript + JSX, hono from its own
// node_modules) as `npm start -- --config` does, cold and after a one-line change, against
// esbuild bundling the same entry with no plugins (the ceiling, same instrument, same run).
// Run alone with:
//   node --no-node-snapshot --import tsx bench/run.ts build
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build as esbuild } from "esbuild";
import { WRANGLER_BUILD_CONDITIONS, WRANGLER_TARGET, WorkerBuilder } from "../src/build/index.js";
import { loadSiteConfig } from "../src/server/site-config.js";
import { installFixture } from "../test/support/worker-fixtures.js";
import type { BenchRow } from "./run.js";

const RUNS = 7;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(): Promise<BenchRow[]> {
  // A copy, so the one-line edits never touch the fixture itself.
  const dir = mkdtempSync(join(tmpdir(), "edge-kata-bench-build-"));
  try {
    cpSync(installFixture("hono-app"), dir, { recursive: true });
    const site = loadSiteConfig(join(dir, "wrangler.toml"));
    const project = site.project!;
    const entry = join(dir, "src", "index.ts");
    const source = readFileSync(entry, "utf8");

    // The first build of the process also starts esbuild's service.
    const t0 = performance.now();
    const first = new WorkerBuilder(project, site.wrangler);
    const firstBuild = await first.build();
    const firstMs = performance.now() - t0;
    await first.dispose();

    const cold: number[] = [];
    const rebuild: number[] = [];
    const ceiling: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const builder = new WorkerBuilder(project, site.wrangler);
      await builder.build();
      cold.push(performance.now() - t);
      // One changed line, then the rebuild `--watch` runs.
      writeFileSync(entry, source.replace('c.text("Hello Hono!")', `c.text("Hello Hono ${i}!")`));
      const r = performance.now();
      const again = await builder.build();
      rebuild.push(performance.now() - r);
      if (!again.script.main.includes(`Hello Hono ${i}!`)) throw new Error("the rebuild did not pick up the edit");
      writeFileSync(entry, source);
      await builder.dispose();
      const c = performance.now();
      await esbuild({ entryPoints: [entry], absWorkingDir: dir, outdir: join(dir, ".edge-kata", "build"), bundle: true, write: false, format: "esm", target: WRANGLER_TARGET, conditions: [...WRANGLER_BUILD_CONDITIONS], sourcemap: "external", logLevel: "silent" });
      ceiling.push(performance.now() - c);
    }
    const coldMs = median(cold);
    const rebuildMs = median(rebuild);
    const ceilingMs = median(ceiling);
    const note = `hono fixture, ${firstBuild.inputs.length} input files, ${(firstBuild.size.bytes / 1024).toFixed(0)} KiB bundle; median of ${RUNS}`;
    return [
      { name: "first build in a process (starts esbuild)", value: firstMs, unit: "ms", note },
      { name: "cold build (new esbuild context)", value: coldMs, unit: "ms", note },
      { name: "rebuild after a one-line change (--watch)", value: rebuildMs, unit: "ms", note },
      { name: "esbuild alone, same entry, no plugins (ceiling)", value: ceilingMs, unit: "ms", note },
      { name: "cold build / esbuild alone", value: coldMs / ceilingMs, unit: "ratio", note: "plugins, source map and size check over bare esbuild" },
      { name: "rebuild / cold build", value: rebuildMs / coldMs, unit: "ratio", note: "what esbuild's incremental context saves" },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
