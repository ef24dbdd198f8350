/**
 * Starts `bench/lib/edge-child.ts` in its own process (as `npm start` runs: the server alone
 * in a process, the load generator elsewhere) and resolves when it prints its URL.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { WORKLOADS, type EdgeVariant, type Workload } from "./edge-targets.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "..", "..");

export interface EdgeProcess {
  url: string;
  child: ChildProcess;
  close(): Promise<void>;
}

/** Children still running, so a caller's watchdog can kill them all. */
export const edgeChildren = new Set<ChildProcess>();

export function startEdgeProcess(workload: Workload, variant: EdgeVariant): Promise<EdgeProcess> {
  const index = WORKLOADS.indexOf(workload);
  return startReadyProcess(["--no-node-snapshot", "--import", "tsx", join(HERE, "edge-child.ts"), String(index), variant], `edge server for ${workload.name} (${variant})`);
}

/**
 * Runs `node <args>` from the repository root and resolves once it prints `READY <url>` (or
 * what `ready` matches, the URL in its first group); it is stopped by closing its stdin and
 * sending SIGTERM (`npm start` stops on SIGTERM, writing its CPU profile if it has one), then
 * SIGKILL after 5 s.
 */
export function startReadyProcess(args: string[], what: string, ready: RegExp = /READY (\S+)/): Promise<EdgeProcess> {
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ["pipe", "pipe", "inherit"] });
  edgeChildren.add(child);
  const close = (): Promise<void> =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", () => done());
      child.stdin?.end();
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    }).then(() => void edgeChildren.delete(child));
  return new Promise((resolveReady, fail) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) resolveReady({ url: match[1] as string, child, close });
    });
    child.once("exit", (code) => fail(new Error(`${what} exited with ${code} before it was ready`)));
  });
}

/**
 * A bare node:http server in its own process answering every request with `body` (and
 * `headers`, if given): the ceiling of the HTTP benchmarks, or a local origin for proxy mode.
 * Its URL ends with "/".
 */
export function startConstantServer(body: string, what: string, headers?: Readonly<Record<string, string>>): Promise<EdgeProcess> {
  const answer = headers === undefined ? "res.end(body);" : `res.writeHead(200, ${JSON.stringify(headers)}); res.end(body);`;
  const source = `const body = ${JSON.stringify(body)};
require("node:http").createServer((req, res) => { req.resume(); ${answer} })
  .listen(0, "127.0.0.1", function () { process.stdout.write("READY http://127.0.0.1:" + this.address().port + "/\\n"); });
process.stdin.on("end", () => process.exit(0)); process.stdin.resume();`;
  return startReadyProcess(["-e", source], what);
}

/** `npm start` (src/server/main.ts) on a free port with storage in memory, optionally under `--cpu-prof` writing into `profileDir`. */
export function startNpmStart(args: readonly string[], profileDir?: string): Promise<EdgeProcess> {
  const profile = profileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", profileDir];
  return startReadyProcess(["--no-node-snapshot", ...profile, "--import", "tsx", "src/server/main.ts", "--port", "0", "--data", ":memory:", ...args], `npm start ${args.join(" ")}`, /listening on (\S+)/);
}
