import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../src/kata/index.js";

/** Worker projects used as test fixtures, each a folder with a wrangler.toml. */
export const WORKER_FIXTURES = join(REPO_ROOT, "test", "fixtures", "workers");

/**
 * Installs a fixture's dependencies from its committed lock file (`npm ci`), once: a stamp in
 * its node_modules records the lock file's hash, so later runs skip the install until the lock
 * file changes. CI has the registry; offline, an installed node_modules keeps working.
 */
export function installFixture(name: string): string {
  const dir = join(WORKER_FIXTURES, name);
  const lock = readFileSync(join(dir, "package-lock.json"));
  const hash = createHash("sha256").update(lock).digest("hex");
  const stamp = join(dir, "node_modules", ".edge-kata-lock-sha256");
  const packages = Object.keys((JSON.parse(lock.toString()) as { packages: Record<string, unknown> }).packages);
  if (packages.length <= 1) return dir; // nothing to install
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash) return dir;
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, encoding: "utf8", timeout: 180_000 });
  if (result.status !== 0) throw new Error(`npm ci in ${dir} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  writeFileSync(stamp, hash);
  return dir;
}

/** A copy of a fixture in a temporary folder, for tests that edit its files. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `edge-kata-${name}-`));
  cpSync(join(WORKER_FIXTURES, name), dir, { recursive: true });
  return dir;
}
