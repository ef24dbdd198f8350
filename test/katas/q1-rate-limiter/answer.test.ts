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

  it("quote Cloudflare's published error rate next to the measured ones", () => {
    expect(figuresBlock(answer)).toContain("0.003%");
  });
});
