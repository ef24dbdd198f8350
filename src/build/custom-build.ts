import { spawn } from "node:child_process";
import { isAbsolute, resolve } from "node:path";
import { EdgeError } from "../core/errors.js";
import type { CustomBuild } from "../workers/wrangler-toml.js";

/** How much of a failed command's output the error keeps (its end, where the reason usually is). */
export const CUSTOM_BUILD_OUTPUT_CHARS_MAX = 4000;

/**
 * Runs wrangler.toml's `[build] command` before bundling, as wrangler does (workers-sdk,
 * deployment-bundle/run-custom-build.ts): in a shell (`sh -c`), in `cwd` (relative to the
 * project root), with the command's output passed to `onOutput`. A non-zero exit is an error
 * carrying the end of its output.
 */
export async function runCustomBuild(build: CustomBuild, projectRoot: string, onOutput: (text: string) => void = () => {}): Promise<void> {
  const cwd = build.cwd === undefined ? projectRoot : isAbsolute(build.cwd) ? build.cwd : resolve(projectRoot, build.cwd);
  let output = "";
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn("sh", ["-c", build.command], { cwd, stdio: ["ignore", "pipe", "pipe"], env: process.env });
    const take = (chunk: Buffer): void => {
      const text = chunk.toString();
      output = (output + text).slice(-CUSTOM_BUILD_OUTPUT_CHARS_MAX);
      onOutput(text);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.once("error", fail);
    child.once("close", done);
  }).catch((error: unknown) => {
    throw new EdgeError("WORKER_BUILD_FAILED", 400, `[build] command "${build.command}" could not start in ${cwd}: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (code !== 0) {
    throw new EdgeError("WORKER_BUILD_FAILED", 400, `[build] command "${build.command}" exited with ${code ?? "a signal"} in ${cwd}${output.trim() === "" ? "" : `:\n${output.trimEnd()}`}`);
  }
}
