import { spawn } from "node:child_process";
import fc from "fast-check";
import ivm from "isolated-vm";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../src/kata/index.js";

/** Runs `source` with the run's `timeout` as the only limit; true when it completed anyway. */
async function completesDespiteTimeout(rounds: number, timeoutMs: number): Promise<{ completed: boolean; cpuMs: number }> {
  const isolate = new ivm.Isolate({ memoryLimit: 16 });
  try {
    const context = await isolate.createContext();
    await context.evalClosure(
      "const ref = $0; globalThis.io = () => ref.apply(undefined, [], { result: { promise: true, copy: true } });",
      [async (): Promise<string> => "ok"],
      { arguments: { reference: true } },
    );
    const startNs = isolate.cpuTime;
    const source = `(async () => { for (let r = 0; r < ${rounds}; r++) { await io(); const until = Date.now() + 4; while (Date.now() < until) {} } return 'done'; })()`;
    try {
      await context.eval(source, { timeout: timeoutMs, promise: true, copy: true });
    } catch {
      return { completed: false, cpuMs: Number(isolate.cpuTime - startNs) / 1e6 };
    }
    return { completed: true, cpuMs: Number(isolate.cpuTime - startNs) / 1e6 };
  } finally {
    isolate.dispose();
  }
}

describe("q3 claims the suite refutes", () => {
  it("'the run's timeout bounds a tenant's CPU' is false: fast-check finds a tenant that burns far more CPU and completes", async () => {
    const timeoutMs = 20;
    let witness: { rounds: number; cpuMs: number } | undefined;
    const details = await fc.check(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), async (rounds) => {
        const { completed, cpuMs } = await completesDespiteTimeout(rounds, timeoutMs);
        // The claim: a run either stays within its timeout's worth of CPU or is stopped.
        const holds = !completed || cpuMs <= timeoutMs;
        if (!holds) witness = { rounds, cpuMs };
        return holds;
      }),
      { numRuns: 20, seed: 42 },
    );
    expect(details.failed, "a counter-example exists").toBe(true);
    // Each round burns 4 ms after an awaited host call, outside the timeout's reach.
    expect(witness?.cpuMs).toBeGreaterThan(timeoutMs);
  }, 60_000);

  it("'memoryLimit contains a tenant' is false: one line of tenant code aborts the whole host process", async () => {
    // In a child process: in this one it would take the test runner down with it.
    const program = `
      import ivm from "isolated-vm";
      const isolate = new ivm.Isolate({ memoryLimit: 16 });
      const context = await isolate.createContext();
      try { await context.eval("const a = []; a[2 ** 25] = 1; a.fill(0).length"); } catch { console.log("contained"); }
      console.log("host alive");
    `;
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ["--no-node-snapshot", "--input-type=module", "-e", program], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.resume();
      child.on("exit", (code, signal) => resolve({ code, signal, out }));
    });
    expect(result.out).not.toContain("host alive");
    expect(result.signal === "SIGABRT" || (result.code ?? 0) !== 0).toBe(true);
  }, 60_000);
});
