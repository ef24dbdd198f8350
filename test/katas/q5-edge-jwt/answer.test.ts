import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../src/kata/index.js";
import { deterministicFigures, floodFigures } from "../../../solutions/q5-edge-jwt/figures.js";

const answer = readFileSync(join(REPO_ROOT, "solutions", "q5-edge-jwt", "ANSWER.md"), "utf8");
const block = answer.slice(answer.indexOf("<!-- figures:begin -->"), answer.indexOf("<!-- figures:end -->"));

describe("q5 ANSWER.md figures", () => {
  it("the seeded flood and revocation tables match a fresh run exactly", async () => {
    expect(block).toContain(await deterministicFigures());
  }, 30_000);

  it("the cooldown cache stays within 1 + ceil(T/cooldown) while the naive one fetches per forged kid", async () => {
    const flood = await floodFigures();
    expect(flood.cooldown).toBeLessThanOrEqual(flood.bound);
    expect(flood.naive).toBeGreaterThan(flood.requests / 2);
  }, 30_000);

  it("the verify-cost table has one measured row per algorithm", () => {
    for (const alg of ["HS256", "RS256", "ES256"]) expect(block).toMatch(new RegExp(`\\| ${alg} \\| \\d+ µs \\|`));
  });
});
