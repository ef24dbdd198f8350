/**
 * `npm run figures`: regenerates the measured tables in every solutions/<kata>/ANSWER.md
 * (the block between `<!-- figures:begin -->` and `<!-- figures:end -->`) from the kata's
 * `figures.ts`, so the model answers always quote this platform's own figures.
 *   npm run figures             all katas
 *   npm run figures -- q2       one kata
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const BLOCK = /<!-- figures:begin -->[\s\S]*?<!-- figures:end -->/;

for (const kata of readdirSync(here, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
  if (only.length > 0 && !only.some((o) => kata.startsWith(o))) continue;
  const script = join(here, kata, "figures.ts");
  const answer = join(here, kata, "ANSWER.md");
  if (!existsSync(script) || !existsSync(answer)) continue;
  const mod = (await import(pathToFileURL(script).href)) as { figures?: () => Promise<string> };
  if (typeof mod.figures !== "function") throw new Error(`${kata}/figures.ts must export figures()`);
  const table = (await mod.figures()).trim();
  const text = readFileSync(answer, "utf8");
  if (!BLOCK.test(text)) throw new Error(`${kata}/ANSWER.md has no figures block`);
  writeFileSync(answer, text.replace(BLOCK, `<!-- figures:begin -->\n${table}\n<!-- figures:end -->`));
  console.log(`figures: ${kata}/ANSWER.md updated`);
}
