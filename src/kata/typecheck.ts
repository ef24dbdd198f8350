import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { REPO_ROOT, relativeToRoot } from "./catalog.js";

export interface TypeDiagnostic {
  /** Path relative to the repository root. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

let options: ts.CompilerOptions | undefined;
let previous: ts.Program | undefined;

function compilerOptions(): ts.CompilerOptions {
  if (options) return options;
  const configPath = ts.findConfigFile(REPO_ROOT, ts.sys.fileExists, "tsconfig.json");
  if (configPath === undefined) throw new Error("no tsconfig.json at the repository root");
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  } });
  if (!parsed) throw new Error(`cannot read ${configPath}`);
  options = { ...parsed.options, noEmit: true };
  return options;
}

/**
 * Type-checks one file with the project's tsconfig: the file and what it imports make the
 * program, and only the file's own errors are reported (the platform is checked by
 * `npm run typecheck`). A program is reused within the process, so grading several levels
 * re-reads only what changed.
 */
export function typeCheckFile(path: string): TypeDiagnostic[] {
  const program = ts.createProgram({ rootNames: [path], options: compilerOptions(), ...(previous ? { oldProgram: previous } : {}) });
  previous = program;
  const source = program.getSourceFile(path);
  if (!source) return [{ file: relativeToRoot(path), line: 1, column: 1, message: "the file is not part of the program" }];
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  return diagnostics.map((d) => {
    const start = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
    return {
      file: relativeToRoot(d.file?.fileName ?? path),
      line: start.line + 1,
      column: start.character + 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    };
  });
}

/**
 * Type-checks `path` in a child process, so the check runs on the other core while the
 * properties run here: grading pays for it only when it is the slower of the two.
 */
export function typeCheckInChild(path: string): Promise<TypeDiagnostic[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), path], {
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

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(typeCheckFile(resolve(process.argv[2] ?? ""))));
}
