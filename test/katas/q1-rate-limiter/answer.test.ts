import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { figures } from "../../../solutions/q1-rate-limiter/figures.js";
import { figuresBlock } from "../../../solutions/lib/answer-figures.js";

// Every figure in ANSWER.md is seeded (virtual time, seeded latency and traffic), so the block
// must be exactly what figures.ts produces today: a change to the platform that moves a number
// fails here until `node --no-node-snapshot --import tsx solutions/q1-rate-limiter/figures.ts --write` is rerun.
const answer = readFileSync(fileURLToPath(new URL("../../../solutions/q1-rate-limiter/ANSWER.md", import.meta.url)), "utf8");

describe("q1 ANSWER.md figures", () => {
  it("match a fresh seeded run of figures.ts", async () => {
    expect(figuresBlock(answer)).toBe((await figures()).trim());
  }, 120_000);

  it("show the level-5 object under the level-6 load refused by the platform with Cloudflare's overload error, before its limiter sees the excess", () => {
    const block = figuresBlock(answer);
    expect(block).toContain("[1,000 requests per second][do.requestsPerSecondSoftMax]");
    expect(block).toContain('"Durable Object is overloaded.');
    const rows = block.split("\n").filter((l) => /^\| \d+–\d+ s \|/.test(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const [offered, allowed, limited, refused] = row.split("|").slice(2, 6).map((c) => Number.parseInt(c.trim().replace(/,/g, ""), 10));
      // 1,300 requests a second for 10 s into an object that takes 10,000 per 10 s.
      expect(offered).toBeGreaterThan(12_900);
      expect(refused).toBeGreaterThan(2_800);
      expect(allowed! + limited! + refused!).toBe(offered);
      expect(limited).toBe(0);
    }
  });

  it("quote Cloudflare's published error rate next to the measured ones", () => {
    expect(figuresBlock(answer)).toContain("0.003%");
  });
});
