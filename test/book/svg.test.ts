import { describe, expect, it } from "vitest";
import { barChart, lineChart } from "../../book/figures/lib/svg.js";

const yTicks = (svg: string): string[] => [...svg.matchAll(/<text x="\d+" y="[\d.]+" text-anchor="end">([^<]*)<\/text>/g)].map((m) => m[1]!);
const xTicks = (svg: string): string[] => [...svg.matchAll(/<text x="[\d.]+" y="\d+" text-anchor="middle">([^<]*)<\/text>/g)].map((m) => m[1]!);

describe("the book's charts", () => {
  it("round ticks: an axis up to 184 reads 0, 50, … 200, never 36.8 or 73.6", () => {
    const svg = lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "s", points: [[0, 0], [3, 184]] }] });
    expect(yTicks(svg)).toEqual(["0", "50", "100", "150", "200"]);
    for (const t of xTicks(svg).filter((t) => t !== "x")) expect(Number(t) * 10 % 5, t).toBe(0);
  });

  it("log axes label whole decades and read as 1k, not 1,000 or 1e+3", () => {
    const svg = lineChart({ title: "t", xLabel: "n", yLabel: "s", xLog: true, yLog: true, series: [{ name: "s", points: [[1e4, 1.4], [1e6, 93]] }] });
    expect(yTicks(svg)).toEqual(expect.arrayContaining(["1", "10", "100"]));
    expect(xTicks(svg)).toEqual(expect.arrayContaining(["10k", "100k", "1M"]));
    expect(svg).not.toMatch(/e[+-]\d/);
    expect(svg).toContain("(log scale)");
  });

  it("marks each point of a short series with a dot and leaves a dense one as a curve", () => {
    const short = lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "s", points: [[1, 1], [2, 4], [3, 9]] }] });
    expect(short.match(/<circle /g)?.length).toBe(3);
    const dense = lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "s", points: Array.from({ length: 76 }, (_, i) => [i, i] as [number, number]) }] });
    expect(dense).not.toContain("<circle ");
  });

  it("a log bar chart keeps a bar 100x smaller than the largest visible (over 10 px; 2 px on a linear axis)", () => {
    const svg = barChart({ title: "t", yLabel: "ms", yLog: true, categories: ["a", "b"], series: [{ name: "p50", values: [1.5, 184] }] });
    const heights = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="#f38020"><title>/g)].map((m) => Number(m[1]));
    expect(heights.length).toBe(2);
    expect(heights[0]!).toBeGreaterThan(10);
    expect(heights[1]!).toBeGreaterThan(heights[0]!);
  });
});

describe("the Performance chapter's Miniflare figure", () => {
  it("draws one bar per workload and server with the run's requests/s, in the table's order, and says when there is no run", async () => {
    const { render, SERVERS } = await import("../../book/figures/peers-throughput.js");
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "peers-fig-"));
    try {
      const run = {
        node: "v20.0.0",
        cpus: 2,
        miniflare: "3.0.0",
        rows: [
          { workload: "hello world", "edge-kata": { requestsPerSecond: 2000 }, "edge-kata, WAF off": { requestsPerSecond: 2800 }, Miniflare: { requestsPerSecond: 4600 }, "node:http": { requestsPerSecond: 31000 } },
          { workload: "KV read", "edge-kata": { requestsPerSecond: 1900 }, Miniflare: { requestsPerSecond: 1400 }, "node:http": { requestsPerSecond: 30000 } },
        ],
      };
      writeFileSync(join(dir, "peers.json"), JSON.stringify(run));
      const svg = render(join(dir, "peers.json"));
      const bars = [...svg.matchAll(/<title>([^<]*)<\/title><\/rect>/g)].map((m) => m[1]);
      expect(bars).toEqual([
        "edge-kata: 2000", "edge-kata, WAF off: 2800", "Miniflare: 4600", "node:http: 31000",
        // A server the row did not measure has no bar (not a bar of 0).
        "edge-kata: 1900", "Miniflare: 1400", "node:http: 30000",
      ]);
      expect(SERVERS).toEqual(["edge-kata", "edge-kata, WAF off", "Miniflare", "node:http"]);
      expect(svg).toContain("(2 cores, 3.0.0)");
      expect(render(join(dir, "missing.json"))).toContain("run npm run bench:peers");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
