// Mutant: node:vm with the host's own `log` and `io` functions in the sandbox, so `log.constructor('return process')()` reaches the host.
import vm from "node:vm";
import { EdgeError } from "../../../src/core/errors.js";

export interface TenantOptions {
  cpuMsMax: number;
  memoryMbMax: number;
  io?: (text: string) => Promise<string>;
  onLog?: (line: string) => void;
}

export async function runTenant(source: string, options: TenantOptions): Promise<unknown> {
  const sandbox = {
    log: (text: unknown): void => options.onLog?.(String(text)),
    io: (text: unknown): Promise<string> => (options.io ?? ((t: string): Promise<string> => Promise.resolve(t)))(String(text)),
  };
  let result: unknown;
  try {
    result = await (vm.runInNewContext(`(async () => {\n${source}\n})()`, sandbox, { timeout: options.cpuMsMax }) as Promise<unknown>);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/timed out/.test(message)) throw new EdgeError("CPU_LIMIT_EXCEEDED", 503, `over ${options.cpuMsMax} ms`);
    throw new EdgeError("SCRIPT_THREW", 500, message);
  }
  return JSON.parse(JSON.stringify(result ?? null)) as unknown;
}
