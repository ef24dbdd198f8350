/**
 * `npm run lin -- <history> [--model kv|cas-register|register|counter] [--svg out.svg] [--timeout-ms n]`
 *
 * Checks a history file (the checker's JSON, or a Jepsen history) for linearizability, prints
 * the verdict and, for a history that is not linearizable, writes a picture of the failure.
 * Exit code: 0 linearizable, 1 not linearizable, 2 undecided or unreadable.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { EdgeError } from "../core/errors.js";
import { checkLinearizable } from "./check.js";
import { MODEL_NAMES, modelByName, readHistoryFile, type ModelName } from "./history-file.js";
import { renderTimeline } from "./timeline.js";

const USAGE = `usage: npm run lin -- <history file> [--model ${MODEL_NAMES.join("|")}] [--svg out.svg] [--timeout-ms n]`;

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { model: { type: "string" }, svg: { type: "string" }, "timeout-ms": { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const path = positionals[0] as string;
  const model = values.model;
  if (model !== undefined && !(MODEL_NAMES as readonly string[]).includes(model)) {
    console.error(`--model must be one of ${MODEL_NAMES.join(", ")}`);
    return 2;
  }
  const timeoutMs = values["timeout-ms"] === undefined ? undefined : Number(values["timeout-ms"]);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) {
    console.error("--timeout-ms must be a positive number");
    return 2;
  }
  try {
    const file = readHistoryFile(readFileSync(path, "utf8"), model as ModelName | undefined);
    const checker = modelByName(file.model, file.modelOptions);
    const started = performance.now();
    const result = checkLinearizable(checker, file.operations, timeoutMs === undefined ? {} : { timeoutMs });
    const ms = performance.now() - started;
    const unknown = file.operations.filter((o) => o.unknown === true).length;
    console.log(`${path}: ${file.operations.length} operations (${unknown} with unknown outcome), model ${file.model}, ${ms.toFixed(0)} ms`);
    if (result.ok === true) {
      console.log("linearizable");
      return 0;
    }
    console.log(result.ok === false ? result.reason : `undecided: ${result.reason}`);
    if (result.ok === false) {
      const svg = values.svg ?? `${path}.svg`;
      writeFileSync(svg, renderTimeline(file.operations, result, { model: checker, title: path }));
      console.log(`picture of the failure: ${svg}`);
      return 1;
    }
    return 2;
  } catch (error) {
    if (error instanceof EdgeError || (error as NodeJS.ErrnoException).code === "ENOENT") {
      console.error(`${path}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
