import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import { REPO_ROOT } from "../../../src/kata/index.js";
import { parseServerArgs, SERVER_EXIT_USAGE, SERVER_PORT_DEFAULT, serverUsage } from "../../../src/server/args.js";

/**
 * The edges of `npm start`'s command line, as a user meets them: `--help`, a typo, a busy port.
 * Each failure must be one line naming what to do, with a non-zero exit and no stack trace.
 */

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm start -- <args>` from the repository root, to its exit (it must exit by itself). */
function npmStart(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn("npm", ["start", "--silent", "--", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      process.kill(-proc.pid!, "SIGKILL");
      reject(new Error(`npm start ${args.join(" ")} did not exit within 60 s:\n${stdout}${stderr}`));
    }, 60_000);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function parseError(argv: readonly string[]): ConfigError {
  try {
    parseServerArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`parseServerArgs(${JSON.stringify(argv)}) accepted`);
}

/** What a user reads: the lines of stderr, without a stack frame among them. */
function oneLine(run: Run): string {
  const lines = run.stderr.split("\n").filter((l) => l.trim() !== "");
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toMatch(/Error:|node:internal|EADDRINUSE/);
  return lines[0]!;
}

describe("parseServerArgs", () => {
  it("reads every option, in both --flag value and --flag=value forms", () => {
    expect(parseServerArgs([])).toEqual({ host: "127.0.0.1", port: SERVER_PORT_DEFAULT });
    expect(parseServerArgs(["--port", "0", "--host", "::1", "--config", "w.toml", "--env", "staging", "--watch", "--origin", "http://127.0.0.1:3000", "--data", ":memory:"])).toEqual({
      host: "::1",
      port: 0,
      configPath: "w.toml",
      env: "staging",
      watch: true,
      originUrl: "http://127.0.0.1:3000",
      dataDir: ":memory:",
    });
    expect(parseServerArgs(["--port=65535"]).port).toBe(65535);
    expect(parseServerArgs(["-h"]).help).toBe(true);
    // --help wins over a combination that would otherwise be refused.
    expect(parseServerArgs(["--env", "x", "--help"]).help).toBe(true);
  });

  it("refuses an unknown option by name, suggests the near one, and points at --help", () => {
    const typo = parseError(["--prot", "8788"]);
    expect(typo.code).toBe("BAD_ARGUMENT");
    // A command-line failure carries an exit code, not an HTTP status.
    expect(typo.exitCode).toBe(SERVER_EXIT_USAGE);
    expect("status" in typo).toBe(false);
    expect(typo.message).toContain("unknown option --prot");
    expect(typo.message).toContain("--help");
    expect(parseError(["--ports", "1"]).message).toContain("did you mean --port?");
    expect(parseError(["--orign", "x"]).message).toContain("did you mean --origin?");
    expect(parseError(["--verbose"]).message).not.toContain("did you mean");
    expect(parseError(["--__proto__"]).message).toContain("unknown option --__proto__");
    expect(parseError(["--constructor"]).message).toContain("unknown option --constructor");
    expect(parseError(["--"]).message).not.toContain("did you mean");
    expect(parseError(["8788"]).message).toContain('unexpected argument "8788"');
    expect(parseError(["--watch=yes"]).message).toContain("--watch takes no value");
  });

  it("refuses a missing or out-of-range value, at the exact boundaries", () => {
    expect(parseError(["--port"]).message).toContain("--port needs a value");
    expect(parseError(["--port", "--watch"]).message).toContain("--port needs a value");
    expect(parseError(["--port", "65536"]).message).toContain('got "65536"');
    expect(parseError(["--port", "-1"]).message).toContain("0..65535");
    expect(parseError(["--port", "80.5"]).message).toContain("0..65535");
    expect(parseError(["--port="]).message).toContain('got ""');
    expect(parseError(["--env", "staging"]).message).toContain("give --config too");
  });

  it("--help documents every option the parser accepts", () => {
    const text = serverUsage();
    for (const flag of ["--port", "--host", "--config", "--env", "--watch", "--origin", "--data", "--crs", "--paranoia", "--help", "-h"]) expect(text).toContain(flag);
    // Each documented flag parses (no help line for an option that does not exist).
    const documented = [...text.matchAll(/^ {2}(--[a-z]+)/gm)].map((m) => m[1]!);
    expect(documented).toHaveLength(10);
    for (const flag of documented) {
      const argv = flag === "--watch" || flag === "--help" ? [flag] : flag === "--env" ? [flag, "x", "--config", "c"] : [flag, "1"];
      expect(() => parseServerArgs(argv)).not.toThrow();
    }
  });
});

describe("npm start on the command line", () => {
  let holder: Server;
  let busyPort = 0;

  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    busyPort = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it("--help prints the usage of every option and exits 0 without starting", async () => {
    const run = await npmStart(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: npm start -- [options]");
    for (const flag of ["--port <n>", "--host <addr>", "--config <file>", "--env <name>", "--watch", "--origin <url>", "--data <dir>", "--help"]) expect(run.stdout).toContain(flag);
    expect(run.stdout).not.toContain("listening on");
  });

  it("an unknown option is refused in one line with a non-zero exit", async () => {
    const run = await npmStart(["--prot", "8788"]);
    expect(run.code).toBe(SERVER_EXIT_USAGE);
    expect(oneLine(run)).toMatch(/^edge-kata: unknown option --prot; did you mean --port\? \(npm start -- --help/);
  });

  it("a busy port is one line naming the port and how to choose another, no stack", async () => {
    const run = await npmStart(["--port", String(busyPort), "--data", ":memory:"]);
    expect(run.code).toBe(SERVER_EXIT_USAGE);
    const line = oneLine(run);
    expect(line).toContain(`port ${busyPort} on 127.0.0.1 is already in use`);
    expect(line).toContain(`npm start -- --port ${busyPort + 1}`);
    expect(run.stdout).not.toContain("listening on");
  });
});
