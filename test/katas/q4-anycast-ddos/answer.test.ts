import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { figures } from "../../../solutions/q4-anycast-ddos/figures.js";
import { figuresBlock } from "../../../solutions/lib/answer-figures.js";
import { fact } from "../../../src/facts/index.js";

// Every figure in ANSWER.md is seeded (generated AS graph, BGP, deterministic latency model),
// so the block must be exactly what figures.ts produces today: a change to the platform that
// moves a number fails here until
// `node --no-node-snapshot --import tsx solutions/q4-anycast-ddos/figures.ts --write` is rerun.
const answer = readFileSync(fileURLToPath(new URL("../../../solutions/q4-anycast-ddos/ANSWER.md", import.meta.url)), "utf8");

describe("q4 ANSWER.md figures", () => {
  it("match a fresh seeded run of figures.ts", async () => {
    expect(figuresBlock(answer)).toBe((await figures()).trim());
  }, 120_000);

  it("quote Cloudflare's largest reported attack, from the facts registry, next to the measured goodput", () => {
    expect(figuresBlock(answer)).toContain(`[${fact("ddos.recordTbps").display}][ddos.recordTbps]`);
  });
});
