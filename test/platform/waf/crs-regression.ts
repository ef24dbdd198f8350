/**
 * Runs the OWASP CRS's own regression tests (go-ftw YAML, as Coraza and ModSecurity are tested)
 * against edge-kata's SecLang engine and the installed CRS, and reports the pass rate.
 *
 *   node --import tsx test/platform/waf/crs-regression.ts DIR [--pl 4] [--failures FILE]
 *
 * DIR is a coreruleset checkout at the tag of the installed version (tests are not in Debian's
 * package): `git clone --branch v3.3.4 https://github.com/coreruleset/coreruleset` and pass
 * the clone (or its `tests/regression/tests`). The tests are Apache-2.0, by the OWASP CRS
 * project; none are committed here.
 *
 * Each stage's request is built from `method`, `uri`, `headers`, `data` and `version`; `data`
 * without a Content-Type is sent as a form, as the CRS test harness's web server received it.
 * Checks: `log_contains: id "N"` (rule N logged a match), `no_log_contains` (it did not), and
 * `status` (403 = blocked). Stages written as raw bytes (`raw_request`, `encoded_request`),
 * response checks and `expect_error` are counted as not applicable, not as passes.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CrsRuleset, wafRequest, type WafRequest } from "../../../src/waf/index.js";

interface StageInput {
  method?: string;
  uri?: string;
  headers?: Record<string, string>;
  data?: string | string[];
  version?: string;
  raw_request?: string;
  encoded_request?: string;
  stop_magic?: boolean;
}
interface StageOutput {
  log_contains?: string;
  no_log_contains?: string;
  status?: number | number[];
  response_contains?: string;
  expect_error?: boolean;
}
interface FtwFile {
  meta?: { enabled?: boolean };
  tests?: { test_title: string; stages: { stage: { input: StageInput; output: StageOutput } }[] }[];
}

export type Outcome = "pass" | "fail" | "not applicable";

/** The request a stage sends, or undefined when it is written as raw bytes. */
export function stageRequest(input: StageInput): WafRequest | undefined {
  if (input.raw_request !== undefined || input.encoded_request !== undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const data = Array.isArray(input.data) ? input.data.join("\r\n") : input.data;
  if (data !== undefined && headers["content-type"] === undefined) headers["content-type"] = "application/x-www-form-urlencoded";
  if (data !== undefined && headers["content-length"] === undefined) headers["content-length"] = String(Buffer.byteLength(data));
  const uri = input.uri ?? "/";
  const host = headers.host ?? "localhost";
  const url = /^[a-z]+:\/\//i.test(uri) ? uri : `http://${host}${uri.startsWith("/") ? "" : "/"}${uri}`;
  return wafRequest(url, { method: input.method ?? "GET", headers, ...(data === undefined ? {} : { body: data }), ...(input.version === undefined ? {} : { protocol: input.version }) });
}

/** One stage's outcome against a rule set. */
export function runStage(crs: CrsRuleset, input: StageInput, output: StageOutput): Outcome {
  if (output.expect_error === true || output.response_contains !== undefined) return "not applicable";
  const request = stageRequest(input);
  if (request === undefined) return "not applicable";
  const verdict = crs.evaluate(request);
  const logged = new Set(verdict.matches.map((m) => m.id));
  const id = (text: string | undefined): string | undefined => (text === undefined ? undefined : /id "(\d+)"/.exec(text)?.[1]);
  const wanted = id(output.log_contains);
  const unwanted = id(output.no_log_contains);
  const statuses = output.status === undefined ? undefined : Array.isArray(output.status) ? output.status : [output.status];
  if (wanted === undefined && unwanted === undefined && statuses === undefined) return "not applicable";
  if (wanted !== undefined && !logged.has(wanted)) return "fail";
  if (unwanted !== undefined && logged.has(unwanted)) return "fail";
  if (statuses !== undefined && !statuses.includes(verdict.blocked ? 403 : 200)) return "fail";
  return "pass";
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(name) ? [path] : [];
    });
}

if (process.argv[1]?.endsWith("crs-regression.ts")) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith("--"));
  if (dir === undefined) {
    console.error("usage: crs-regression.ts DIR [--pl 4] [--failures FILE]   (DIR: a coreruleset checkout at the installed version's tag)");
    process.exit(2);
  }
  const pl = Number(args[args.indexOf("--pl") + 1] ?? 4);
  const failuresFile = args.includes("--failures") ? args[args.indexOf("--failures") + 1] : undefined;
  const root = statSync(join(dir, "tests", "regression", "tests"), { throwIfNoEntry: false })?.isDirectory() ? join(dir, "tests", "regression", "tests") : dir;
  const crs = new CrsRuleset({ paranoiaLevel: args.includes("--pl") ? pl : 4 });
  const counts: Record<Outcome, number> = { pass: 0, fail: 0, "not applicable": 0 };
  const byRule = new Map<string, { pass: number; fail: number }>();
  const failures: string[] = [];
  for (const file of yamlFiles(root)) {
    const doc = parse(readFileSync(file, "utf8")) as FtwFile;
    if (doc.meta?.enabled === false) continue;
    for (const test of doc.tests ?? []) {
      let outcome: Outcome = "pass";
      for (const { stage } of test.stages) {
        let o: Outcome;
        try {
          o = runStage(crs, stage.input, stage.output);
        } catch (error) {
          o = "fail";
          failures.push(`${test.test_title}: threw ${(error as Error).message}`);
        }
        if (o === "fail") outcome = "fail";
        else if (o === "not applicable" && outcome === "pass") outcome = "not applicable";
      }
      counts[outcome]++;
      const rule = /^(\d{6})/.exec(test.test_title)?.[1] ?? "?";
      const r = byRule.get(rule) ?? { pass: 0, fail: 0 };
      if (outcome !== "not applicable") r[outcome]++;
      byRule.set(rule, r);
      if (outcome === "fail") failures.push(`${test.test_title} (${file.slice(root.length + 1)})`);
    }
  }
  const run = counts.pass + counts.fail;
  console.log(`${crs.describe()}`);
  console.log(`CRS regression tests: ${counts.pass}/${run} passed (${((100 * counts.pass) / run).toFixed(1)}%), ${counts["not applicable"]} not applicable`);
  const worst = [...byRule].filter(([, r]) => r.fail > 0).sort((a, b) => b[1].fail - a[1].fail);
  console.log(`rules with failures (${worst.length}): ${worst.map(([id, r]) => `${id} ${r.fail}/${r.pass + r.fail}`).join(", ")}`);
  if (failuresFile !== undefined) writeFileSync(failuresFile, `${failures.join("\n")}\n`);
}
