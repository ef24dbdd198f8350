/**
 * `npm run figures`: regenerates the measured tables in every solutions/<kata>/ANSWER.md
 * from the kata's `figures.ts`, so the model answers always quote this platform's figures,
 * and the Sources block of every ANSWER.md and kata README from the facts registry.
 *   npm run figures             all katas
 *   npm run figures -- q2       one kata
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeAnswerFigures, writeSources } from "./lib/answer-figures.js";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);

for (const kata of readdirSync(here, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== "lib").map((d) => d.name).sort()) {
  if (only.length > 0 && !only.some((o) => kata.startsWith(o))) continue;
  for (const path of [join(here, kata, "ANSWER.md"), join(here, "..", "katas", kata, "README.md")]) {
    if (existsSync(path) && writeSources(path)) console.log(`sources: ${path}`);
  }
  const script = join(here, kata, "figures.ts");
  if (!existsSync(script)) continue;
  const url = pathToFileURL(script).href;
  const mod = (await import(url)) as { figures?: () => Promise<string> };
  if (typeof mod.figures !== "function") throw new Error(`${kata}/figures.ts must export figures()`);
  console.log(`figures: ${await writeAnswerFigures(url, mod.figures)}`);
}
