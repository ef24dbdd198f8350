import { type ChildProcess, spawn } from "node:child_process";
import { REPO_ROOT } from "../../src/kata/index.js";

export interface StartedEdge {
  readonly url: string;
  readonly proc: ChildProcess;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** Stops the server and every process it started; resolves when it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs the local edge on a free loopback port as a user does, `npm start -- <args>` from the
 * repository root (or, with `viaNpm: false`, the node command `npm start` runs, so a signal
 * reaches the server itself), and resolves when it prints the URL it listens on.
 */
export function startNpmEdge(args: readonly string[], options: { viaNpm?: boolean; timeoutMs?: number } = {}): Promise<StartedEdge> {
  const viaNpm = options.viaNpm ?? true;
  const command = viaNpm ? "npm" : process.execPath;
  const argv = viaNpm ? ["start", "--", "--port", "0", ...args] : ["--no-node-snapshot", "--import", "tsx", "src/server/main.ts", "--port", "0", ...args];
  // Its own process group, so stopping it stops npm and the node process under it together.
  const proc = spawn(command, argv, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  const stop = async (signal: NodeJS.Signals = "SIGTERM"): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    try {
      process.kill(-proc.pid!, signal);
    } catch {
      // Already gone.
    }
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop("SIGKILL");
      reject(new Error(`npm start ${args.join(" ")} did not start within ${options.timeoutMs ?? 90_000} ms:\n${out}`));
    }, options.timeoutMs ?? 90_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, proc, output: () => out, stop });
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start ${args.join(" ")} exited with ${code}:\n${out}`));
    });
  });
}
