/**
 * Runs one web-platform-tests file with the real testharness.js from the checkout, either in an
 * edge-kata isolate (as an ordinary module worker) or in Node (as classic scripts in a fresh
 * process), and returns what testharness reported for each test.
 *
 * In the isolate the harness, the `// META: script=` helpers and the test are concatenated into
 * one module whose `fetch` handler answers with the results once testharness reports completion
 * (or after the file's time limit, when `timeout()` marks the unfinished tests). A module is
 * strict code, whereas a browser runs these files as classic scripts: the Node run keeps them
 * classic, so a difference between the two columns can also come from that.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";

export interface TestResult {
  name: string;
  /** testharness.js: 0 PASS, 1 FAIL, 2 TIMEOUT, 3 NOTRUN, 4 PRECONDITION_FAILED. */
  status: number;
  message?: string | null;
}

export interface FileResult {
  tests: TestResult[];
  /** testharness.js harness status (0 OK, 1 ERROR, 2 TIMEOUT), or "crash" when no result came back. */
  harness: number | "crash";
  message?: string | null;
}

/** Something that can run a module worker: edge-kata's `Worker`, or an older checkout's. */
export interface ModuleWorker {
  fetch(request: Request): Promise<{ outcome: string; response: Response; logs: Array<{ message: string }> }>;
  dispose(): void;
}
export type WorkerFactory = (source: string, name: string, cpuMsMax: number) => ModuleWorker;

const FILE_MS_MAX = 15_000;
const LONG_FILE_MS_MAX = 45_000;

interface Meta {
  scripts: string[];
  long: boolean;
}

function meta(root: string, file: string): Meta {
  const scripts: string[] = [];
  let long = false;
  for (const line of readFileSync(join(root, file), "utf8").split("\n")) {
    const m = /^\/\/ META: (\w+)=(.*)$/.exec(line.trim());
    if (m === null) {
      if (line.trim() !== "" && !line.startsWith("//")) break;
      continue;
    }
    if (m[1] === "script") scripts.push(m[2]!.startsWith("/") ? m[2]!.slice(1) : posix.normalize(posix.join(posix.dirname(file), m[2]!)));
    if (m[1] === "timeout" && m[2] === "long") long = true;
  }
  return { scripts, long };
}

/** Globals testharness.js and the helpers expect of a worker-like scope, and nothing else. */
const PRELUDE = `
globalThis.self ??= globalThis;
globalThis.location ??= { search: "", href: "https://wpt.example/" };
globalThis.GLOBAL = { isWindow: () => false, isWorker: () => true, isShadowRealm: () => false };
`;

const COLLECT = `
self.wptDone = new Promise((resolve) => add_completion_callback((tests, status) => resolve({
  tests: tests.map((t) => ({ name: String(t.name), status: t.status, message: t.message == null ? null : String(t.message).slice(0, 300) })),
  harness: status.status,
  message: status.message == null ? null : String(status.message).slice(0, 300),
})));
`;

function sources(root: string, file: string): Array<{ name: string; code: string }> {
  const { scripts } = meta(root, file);
  return ["resources/testharness.js", ...scripts, file].map((name) => ({ name, code: readFileSync(join(root, name), "utf8") }));
}

export function fileTimeMs(root: string, file: string): number {
  return meta(root, file).long ? LONG_FILE_MS_MAX : FILE_MS_MAX;
}

/**
 * The module worker that runs `file` in an isolate. The files run inside one function called by
 * the `fetch` handler (they share its scope, as classic scripts share the global one), so what
 * they do is a request's work: a rejection a test leaves unhandled is logged, not a failed start.
 */
export function moduleSource(root: string, file: string): string {
  const parts = sources(root, file);
  const limitMs = fileTimeMs(root, file) - 2_000;
  return [
    PRELUDE,
    "function wptRun() {",
    parts[0]!.code,
    COLLECT,
    ...parts.slice(1).map((p) => `// ---- ${p.name}\n${p.code}`),
    `}
export default {
  async fetch() {
    wptRun();
    const late = new Promise((resolve) => setTimeout(resolve, ${limitMs})).then(() => { timeout(); return self.wptDone; });
    return Response.json(await Promise.race([self.wptDone, late]));
  },
};`,
  ].join("\n;\n");
}

export async function runInIsolate(root: string, file: string, makeWorker: WorkerFactory): Promise<FileResult> {
  let worker: ModuleWorker;
  try {
    worker = makeWorker(moduleSource(root, file), file.replace(/[^A-Za-z0-9]+/g, "-"), 120_000);
  } catch (e) {
    return { tests: [], harness: "crash", message: e instanceof Error ? e.message : String(e) };
  }
  try {
    const r = await worker.fetch(new Request("https://wpt.example/run"));
    if (r.outcome !== "ok") return { tests: [], harness: "crash", message: `${r.outcome}: ${r.logs.map((l) => l.message).join(" | ").slice(0, 500)}` };
    return (await r.response.json()) as FileResult;
  } finally {
    worker.dispose();
  }
}

const NODE_CHILD = join(dirname(fileURLToPath(import.meta.url)), "node-child.mjs");

/** Runs `file` in a fresh Node process (the Node running this script), as classic scripts. */
export function runInNode(root: string, file: string): Promise<FileResult> {
  const payload = JSON.stringify({ prelude: PRELUDE, collect: COLLECT, sources: sources(root, file), limitMs: fileTimeMs(root, file) - 2_000 });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--expose-gc", NODE_CHILD], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const kill = setTimeout(() => child.kill("SIGKILL"), fileTimeMs(root, file) + 5_000);
    child.on("close", () => {
      clearTimeout(kill);
      const line = out.split("\n").find((l) => l.startsWith("WPT-RESULT "));
      if (line === undefined) resolve({ tests: [], harness: "crash", message: err.slice(0, 500) });
      else {
        try {
          resolve(JSON.parse(line.slice("WPT-RESULT ".length)) as FileResult);
        } catch (e) {
          resolve({ tests: [], harness: "crash", message: `unreadable result: ${String(e)}` });
        }
      }
    });
    child.stdin.end(payload);
  });
}
