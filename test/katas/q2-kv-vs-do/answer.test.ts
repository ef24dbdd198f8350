import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { figures } from "../../../solutions/q2-kv-vs-do/figures.js";
import { figuresBlock } from "../../../solutions/lib/answer-figures.js";

// Every figure in ANSWER.md is seeded (virtual time, seeded KV and DO worlds and latency), so the
// block must be exactly what figures.ts produces today: a platform change that moves a number
// fails here until `node --no-node-snapshot --import tsx solutions/q2-kv-vs-do/figures.ts --write` is rerun.
const answer = readFileSync(fileURLToPath(new URL("../../../solutions/q2-kv-vs-do/ANSWER.md", import.meta.url)), "utf8");

describe("q2 ANSWER.md figures", () => {
  it("match a fresh seeded run of figures.ts", async () => {
    expect(figuresBlock(answer)).toBe((await figures()).trim());
  }, 120_000);

  it("show KV losing updates where the Durable Object loses none", () => {
    const block = figuresBlock(answer);
    expect(block).toMatch(/\| KV get \+ put \| [1-9]\d* \/ \d+ \|/);
    expect(block).toMatch(/\| Durable Object \| 0 \/ \d+ \| 0 \|/);
  });
});
