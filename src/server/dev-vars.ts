import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Local secrets, as `wrangler dev` reads them: `.dev.vars` next to the config file (or
 * `.dev.vars.<env>` under `--env` when it exists), in dotenv form, added to the Worker's vars.
 * Returns undefined when there is no such file, and the file it read otherwise.
 */
export function readDevVars(root: string, env: string | undefined): { file: string; vars: Record<string, string> } | undefined {
  const candidates = env === undefined ? [".dev.vars"] : [`.dev.vars.${env}`, ".dev.vars"];
  const file = candidates.map((name) => join(root, name)).find((path) => existsSync(path));
  if (file === undefined) return undefined;
  return { file, vars: parseDotenv(readFileSync(file, "utf8")) };
}

const LINE = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/;

/**
 * dotenv's format: `KEY=value`, `# comments`, values in single quotes (literal), double
 * quotes (`\n` is a newline) or bare (a ` #` starts a comment). Keys are own properties, so
 * `__proto__` is an ordinary name.
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const m = LINE.exec(line);
    if (m === null) continue;
    const raw = m[2]!;
    let value: string;
    if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) value = raw.slice(1, -1);
    else if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) value = raw.slice(1, -1).replace(/\\n/g, "\n").replace(/\\r/g, "\r").replace(/\\"/g, '"');
    else value = raw.replace(/\s+#.*$/, "");
    Object.defineProperty(out, m[1]!, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
