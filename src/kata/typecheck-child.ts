/**
 * `node --import tsx/esm src/kata/typecheck-child.ts <file>` prints the file's type errors as JSON:
 * the TypeScript compiler API with the project's tsconfig, run beside the grading process.
 */
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type TypeScript from "typescript";
import { REPO_ROOT, relativeToRoot } from "./catalog.js";
import type { TypeDiagnostic } from "./typecheck.js";

// Loaded as CommonJS: an ESM import of typescript.js makes Node scan its 9 MB for named
// exports first, which costs more CPU than loading it (about 1.1 s against 0.5 s here).
const ts = createRequire(import.meta.url)("typescript") as typeof TypeScript;

let options: TypeScript.CompilerOptions | undefined;
let previous: TypeScript.Program | undefined;

function compilerOptions(): TypeScript.CompilerOptions {
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

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(typeCheckFile(resolve(process.argv[2] ?? ""))));
}
