import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../src/kata/index.js";

/**
 * The README's install paragraph tells the truth about `npm install`: which dependencies
 * compile native code (found from node_modules, not from a list kept by hand), that it is
 * silent while they do, how long it takes, and how to watch it.
 */
const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
const requirements = /Requirements:([\s\S]*?)```/.exec(readme)?.[1]?.replace(/\s+/g, " ") ?? "";
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };

describe("README: npm install", () => {
  it("names every dependency that compiles from source (has a binding.gyp)", () => {
    const native = Object.keys(pkg.dependencies).filter((name) => existsSync(join(REPO_ROOT, "node_modules", name, "binding.gyp")));
    expect(native.length, "the project has native dependencies to name").toBeGreaterThan(0);
    for (const name of native) expect(requirements, `${name} compiles on install; say so`).toContain(`\`${name}\``);
  });

  it("says it is silent, how many minutes it takes, and how to watch the compiler", () => {
    expect(requirements).toMatch(/prints nothing/);
    const range = /(\d+)–(\d+) minutes on an idle 2-core machine/.exec(requirements);
    expect(range, "a measured range in minutes").not.toBeNull();
    // The fresh-clone run of issue 21 took 3–5 minutes on 2 cores: no shorter claim is honest.
    expect(Number(range![2])).toBeGreaterThanOrEqual(5);
    expect(requirements).toContain("npm install --foreground-scripts");
    expect(readme).not.toMatch(/about two minutes/);
  });
});
