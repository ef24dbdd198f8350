import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { check, COUNTEREXAMPLE_CHARS_MAX, contextFromEnv, defaultSeed, FC_PATH_CHARS_MAX, PICTURES_DIR, PictureFailure, type PropertyContext, PropertyFailure, seedFrom } from "../../../src/kata/property.js";

const ctx = (over: Partial<PropertyContext> = {}): PropertyContext => ({
  ...contextFromEnv({ target: "katas/q0-warmup/level-1-fixed-window.ts", ref: "q0/1", testFile: "test/katas/q0-warmup/level-1.test.ts", kataImpl: "katas", env: {} }),
  property: "admits (at most) `limit`",
  ...over,
});

async function failureOf(property: fc.IProperty<[unknown]>, c: PropertyContext): Promise<string> {
  try {
    await check(property, c);
  } catch (error) {
    expect(error).toBeInstanceOf(PropertyFailure);
    return (error as Error).message;
  }
  throw new Error("the property was expected to fail");
}

// Fails on 400 naturals summing to 100 or more: the shrunk counter-example is ~800 characters
// and the shrink path hundreds of steps long, what a learner's screen must be protected from.
const huge = fc.property(fc.array(fc.nat(), { minLength: 400, maxLength: 400 }), (a) => a.reduce((x, y) => x + y, 0) < 100) as fc.IProperty<[unknown]>;

describe("grading seeds", () => {
  it("a level's default seed is fixed by its name (changing it changes every grade)", () => {
    expect(defaultSeed("q0/1")).toBe(1833560376);
    expect(defaultSeed("q1/2")).not.toBe(defaultSeed("q1/3"));
    expect(Number.isSafeInteger(defaultSeed("q5/6")) && defaultSeed("q5/6") === (defaultSeed("q5/6") | 0)).toBe(true);
  });

  it("FC_SEED: unset is the default seed, `random` a fresh one, an integer itself, anything else an error", () => {
    expect(seedFrom(undefined, "q0/1")).toBe(defaultSeed("q0/1"));
    expect(seedFrom("", "q0/1")).toBe(defaultSeed("q0/1"));
    expect(seedFrom("random", "q0/1")).toBeUndefined();
    expect(seedFrom("-42", "q0/1")).toBe(-42);
    expect(() => seedFrom("4x", "q0/1")).toThrow(/FC_SEED must be an integer or "random"/);
    expect(contextFromEnv({ target: "t", ref: "q1/1", env: { FC_SEED: "7", FC_PATH: "1:2" } })).toMatchObject({ seed: 7, path: "1:2" });
  });

  it("the same seed gives the same counter-example", async () => {
    expect(await failureOf(huge, ctx())).toBe(await failureOf(huge, ctx()));
  });
});

describe("failure messages", () => {
  it("bound a huge counter-example and a long FC_PATH, and say how to see them whole", async () => {
    const message = await failureOf(huge, ctx());
    const counterexample = /^Counterexample: (.*)$/m.exec(message)?.[1] ?? "";
    expect(counterexample.length).toBeLessThan(COUNTEREXAMPLE_CHARS_MAX + 80);
    expect(counterexample).toMatch(/… \(\d+ more characters; --verbose prints them all\)$/);
    expect(message).not.toMatch(/FC_PATH=/);
    expect(message).toMatch(/FC_PATH left out: \d+ characters; the seed alone replays/);
  });

  it("print everything with verbose, including the FC_PATH", async () => {
    const message = await failureOf(huge, ctx({ verbose: true }));
    expect(message).not.toContain("more characters");
    const path = /FC_PATH=([\d:]+)/.exec(message)?.[1] ?? "";
    expect(path.length).toBeGreaterThan(FC_PATH_CHARS_MAX);
  });

  it("replay with the CLI (keeping --impl) and with one test file and one property in vitest", async () => {
    const small = fc.property(fc.integer(), (n) => n < 10) as fc.IProperty<[unknown]>;
    const message = await failureOf(small, ctx({ impl: "my answers/q0.ts", kataImpl: "my answers/q0.ts" }));
    const seed = defaultSeed("q0/1");
    expect(message).toContain(`Replay: npm run kata -- check q0/1 --impl 'my answers/q0.ts' --seed ${seed}`);
    expect(message).toMatch(
      new RegExp(`or: FC_SEED=${seed} FC_PATH=[\\d:]+ KATA_IMPL='my answers/q0.ts' npx vitest run test/katas/q0-warmup/level-1\\.test\\.ts -t 'admits \\\\\\(at most\\\\\\) \`limit\`'$`, "m"),
    );
    expect(message).toContain("Counterexample: [10]");
  });

  it("say only the seed in the mutant check", async () => {
    const small = fc.property(fc.integer(), (n) => n < 10) as fc.IProperty<[unknown]>;
    const message = await failureOf(small, { ...ctx(), mode: "mutant", seed: 5 });
    expect(message).toContain("(mutant check, seed 5)");
    expect(message).not.toContain("Replay:");
  });
});

describe("pictures of counter-examples", () => {
  // Fails for every n >= 3; shrinks to n = 3. The picture names the value it was drawn for.
  let drawn: number[] = [];
  const pictured = fc.property(fc.nat({ max: 1000 }), (n) => {
    if (n >= 3) throw new PictureFailure(`n = ${n} is too big`, () => { drawn.push(n); return `<svg xmlns="http://www.w3.org/2000/svg"><text>n = ${n}</text></svg>`; });
  }) as fc.IProperty<[unknown]>;

  it("when grading, the shrunk counter-example's picture is drawn once, written under reports/kata/ and named in the failure", async () => {
    drawn = [];
    const c = ctx({ ref: "q2/3", seed: 4242 });
    const message = await failureOf(pictured, c);
    const file = join(PICTURES_DIR, "q2-3-seed-4242.svg");
    try {
      expect(message).toContain("Picture: reports/kata/q2-3-seed-4242.svg (open it in a browser)");
      expect(drawn).toEqual([3]);
      expect(readFileSync(file, "utf8")).toContain("<text>n = 3</text>");
      // The picture line comes before the replay lines.
      expect(message.indexOf("Picture:")).toBeLessThan(message.indexOf("Replay:"));
    } finally {
      rmSync(file, { force: true });
    }
  });

  it("a mutant check and a plain failure draw nothing", async () => {
    drawn = [];
    const message = await failureOf(pictured, ctx({ ref: "q2/3", seed: 4343, mode: "mutant" }));
    expect(message).not.toContain("Picture:");
    expect(drawn).toEqual([]);
    expect(existsSync(join(PICTURES_DIR, "q2-3-seed-4343.svg"))).toBe(false);
    expect(await failureOf(huge, ctx({ seed: 4444 }))).not.toContain("Picture:");
  });
});
