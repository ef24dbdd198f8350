import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "./catalog.js";

export interface TypeDiagnostic {
  /** Path relative to the repository root. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** The child that runs the compiler (typecheck-child.ts): the grading process never loads TypeScript. */
const CHILD = fileURLToPath(new URL("./typecheck-child.ts", import.meta.url));

/**
 * Type-checks `path` in a child process, so the check runs on the other core while the
 * properties run here: grading pays for it only when it is the slower of the two.
 */
export function typeCheckInChild(path: string): Promise<TypeDiagnostic[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx/esm", CHILD, path], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`the type checker stopped with code ${code}: ${err.trim()}`));
      try {
        resolvePromise(JSON.parse(out) as TypeDiagnostic[]);
      } catch (error) {
        reject(error);
      }
    });
  });
}

