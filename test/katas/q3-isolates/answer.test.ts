import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../src/kata/index.js";
import { coldStartMs, ratio } from "../../../solutions/q3-isolates/level-1-cold-start.js";
import { breakdownOf, measure } from "../../../solutions/q3-isolates/figures.js";
import { withFigures } from "../../../solutions/lib/answer-figures.js";

const answer = readFileSync(join(REPO_ROOT, "solutions", "q3-isolates", "ANSWER.md"), "utf8");

describe("q3 ANSWER.md", () => {
  it("carries a measured figures block with the isolate vs fresh-process ratio (wall time: structure only)", () => {
    const block = /<!-- figures:begin -->\n([\s\S]*?)\n<!-- figures:end -->/.exec(answer)?.[1] ?? "";
    expect(block).toMatch(/\| isolate cold start .*\| [\d.]+ ms \|/);
    expect(block).toMatch(/\| isolate warm request \| [\d.]+ ms \|/);
    expect(block).toMatch(/\| fresh Node process: spawn, boot, compile, first request \| [\d.]+ ms \|/);
    expect(block).toMatch(/\| \*\*measured ratio\*\* .*\| \*\*[\d.]+x\*\* \|/);
    expect(block).toMatch(/\| level-1 model ratio from the measured phases \| [\d.]+x \|/);
  });

  it("rewrites only the block between the markers", () => {
    const rewritten = withFigures("before\n<!-- figures:begin -->\nold\n<!-- figures:end -->\nafter", "new");
    expect(rewritten).toBe("before\n<!-- figures:begin -->\nnew\n<!-- figures:end -->\nafter");
  });

  // The level-1 model is additive: fed with phases measured one by one, it must predict the
  // end-to-end ratio measured separately in the same run. Ratios, not absolute times, and a
  // wide tolerance, because the machine is shared.
  it("the level-1 model fed with measured phases predicts the measured cold-start ratio within 3x", async () => {
    const m = await measure({ isolateRuns: 5, processRuns: 3 });
    const measured = m.processColdMs / m.isolateColdMs;
    const modelled = ratio(breakdownOf(m));
    expect(m.processColdMs, "a fresh process is slower than a new isolate").toBeGreaterThan(m.isolateColdMs);
    expect(modelled / measured).toBeGreaterThan(1 / 3);
    expect(modelled / measured).toBeLessThan(3);
    expect(coldStartMs(breakdownOf(m), "isolate")).toBeLessThan(coldStartMs(breakdownOf(m), "container"));
  }, 60_000);
});
