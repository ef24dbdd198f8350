import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";

interface TenantOptions {
  cpuMsMax: number;
  memoryMbMax: number;
  io?: (text: string) => Promise<string>;
  onLog?: (line: string) => void;
}
type RunTenant = (source: string, options: TenantOptions) => Promise<unknown>;

// Small limits keep the level fast: each escape attempt is stopped within tens of ms.
const LIMITS: TenantOptions = { cpuMsMax: 20, memoryMbMax: 16 };
/** For bystanders (the tenant that must still run afterwards): their budget is not under test. */
const ROOMY: TenantOptions = { cpuMsMax: 500, memoryMbMax: 16 };

type Expect = { value: unknown } | { code: string; messageMatches?: RegExp };
interface Attempt {
  name: string;
  source: string;
  expect: Expect;
  options?: Partial<TenantOptions>;
}

function codeOf(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : `(no code: ${String(error)})`;
}

/** What the host looks like; a tenant that changes any of it has escaped. */
function hostFingerprint(): string {
  const names = (o: object): string[] => Object.getOwnPropertyNames(o).sort();
  return JSON.stringify({
    globals: names(globalThis),
    object: names(Object.prototype),
    array: names(Array.prototype),
    fn: names(Function.prototype),
    promise: names(Promise.prototype),
    exitCode: process.exitCode ?? null,
  });
}

/** Runs one attempt and checks the outcome, that the host is unchanged and that a fresh tenant still runs. */
async function contain(run: RunTenant, a: Attempt): Promise<void> {
  const before = hostFingerprint();
  let outcome: { value: unknown } | { error: unknown };
  try {
    outcome = { value: await run(a.source, { ...LIMITS, ...a.options }) };
  } catch (error) {
    outcome = { error };
  }
  const got = "value" in outcome ? `value ${JSON.stringify(outcome.value)}` : `error ${codeOf(outcome.error)} (${outcome.error instanceof Error ? outcome.error.message : ""})`;
  if ("value" in a.expect) {
    if (!("value" in outcome) || JSON.stringify(outcome.value) !== JSON.stringify(a.expect.value)) {
      throw new Error(`${a.name}: expected value ${JSON.stringify(a.expect.value)}, got ${got}\n  tenant source: ${a.source}`);
    }
  } else {
    const { code, messageMatches } = a.expect;
    const ok = "error" in outcome && codeOf(outcome.error) === code && (messageMatches === undefined || (outcome.error instanceof Error && messageMatches.test(outcome.error.message)));
    if (!ok) throw new Error(`${a.name}: expected error ${code}${messageMatches ? ` matching ${messageMatches}` : ""}, got ${got}\n  tenant source: ${a.source}`);
  }
  const after = hostFingerprint();
  if (after !== before) throw new Error(`${a.name}: the host changed (globals or prototypes) while the tenant ran\n  before ${before}\n  after  ${after}`);
  let next: unknown;
  try {
    next = await run("return 6 * 7", ROOMY);
  } catch (error) {
    throw new Error(`${a.name}: the next tenant failed afterwards with ${codeOf(error)}`);
  }
  if (next !== 42) throw new Error(`${a.name}: the next tenant returned ${JSON.stringify(next)} instead of 42`);
}

async function containAll(run: RunTenant, attempts: readonly Attempt[]): Promise<void> {
  for (const a of attempts) await contain(run, a);
}

const REACH_THE_HOST: readonly Attempt[] = [
  { name: "reach process", source: "return typeof process", expect: { value: "undefined" } },
  { name: "require('fs')", source: "return require('fs').readdirSync('.')", expect: { code: "SCRIPT_THREW" } },
  { name: "Node globals", source: "return Object.getOwnPropertyNames(globalThis).filter((n) => /^(process|require|module|Buffer|global|setImmediate)$/.test(n))", expect: { value: [] } },
  { name: "this.constructor.constructor('return this')()", source: "const g = this.constructor.constructor('return this')(); return [typeof g.process, typeof g.require]", expect: { value: ["undefined", "undefined"] } },
  { name: "log.constructor('return process')()", source: "return log.constructor('return typeof process')()", expect: { value: "undefined" } },
  { name: "io.constructor.constructor('return process')()", source: "return io.constructor.constructor('return typeof process')()", expect: { value: "undefined" } },
  { name: "a host object through a callback argument", source: "let leaked = 'none'; log({ toString() { leaked = this.constructor.constructor('return typeof process')(); return 'x'; } }); return leaked", expect: { value: "undefined" } },
  { name: "timers", source: "return [typeof setTimeout, typeof setInterval, typeof queueMicrotask]", expect: { value: ["undefined", "undefined", "undefined"] } },
];

const RUN_AWAY: readonly Attempt[] = [
  { name: "an infinite loop", source: "for (;;) {}", expect: { code: "CPU_LIMIT_EXCEEDED" } },
  { name: "a microtask loop", source: "const spin = () => Promise.resolve().then(spin); spin(); return 'returned'", expect: { code: "CPU_LIMIT_EXCEEDED" } },
  { name: "CPU burned across awaited io", source: "for (;;) { await io('tick'); let x = 0; for (let i = 0; i < 1e5; i++) x += i; }", expect: { code: "CPU_LIMIT_EXCEEDED" } },
  // Generous CPU so that the memory limit, not the CPU limit, is what must stop these.
  { name: "one huge array buffer", source: "return new ArrayBuffer(256 * 1024 * 1024).byteLength", options: { cpuMsMax: 2000 }, expect: { code: "MEMORY_LIMIT_EXCEEDED" } },
  { name: "an allocation loop", source: "const keep = []; for (;;) keep.push(new ArrayBuffer(1024 * 1024));", options: { cpuMsMax: 2000, memoryMbMax: 8 }, expect: { code: "MEMORY_LIMIT_EXCEEDED" } },
  { name: "deep recursion", source: "const f = (n) => f(n + 1) + 1; return f(0)", options: { cpuMsMax: 2000 }, expect: { code: "SCRIPT_THREW", messageMatches: /call stack/i } },
];

/** The io the suite backs the tenant with: instant, but capped, so an unstoppable loop still ends. */
function cappedIo(callsMax: number): (text: string) => Promise<string> {
  let calls = 0;
  return (text) => (++calls > callsMax ? Promise.reject(new Error(`io called more than ${callsMax} times`)) : Promise.resolve(text));
}

function deferred(): { promise: Promise<string>; resolve: (v: string) => void } {
  let resolve: (v: string) => void = () => undefined;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
}

export const suite = defineLevel<RunTenant>({
  kata: "q3-isolates",
  level: 4,
  timeoutMs: 60_000,
  load: (m) => requireExport<RunTenant>(m, "runTenant"),
  probe: (run) => run("return 1", LIMITS),
  properties: [
    {
      name: "no escape attempt reaches process, require, host globals or a host Function",
      run: (run) => containAll(run, REACH_THE_HOST),
    },
    {
      name: "prototype pollution and globals set by one tenant never leak into the next",
      run: (run, ctx) =>
        check(
          fc.asyncProperty(fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}$/), fc.constantFrom("Object", "Array", "Function", "Promise"), async (key, proto) => {
            const k = JSON.stringify(`polluted_${key}`);
            await contain(run, {
              name: `pollute ${proto}.prototype[${k}]`,
              source: `${proto}.prototype[${k}] = 'yes'; globalThis[${k}] = 'yes'; JSON.stringify = () => 'pwned'; return 'polluted'`,
              expect: { value: "polluted" },
            });
            await contain(run, {
              name: `read ${proto}.prototype[${k}] from the next tenant`,
              source: `return [typeof ${proto}.prototype[${k}], typeof globalThis[${k}], JSON.stringify([1])]`,
              expect: { value: ["undefined", "undefined", "[1]"] },
            });
          }),
          ctx,
          { numRuns: 4 },
        ),
    },
    {
      name: "loops, microtask loops, allocation bombs and deep recursion end with the right error code",
      run: async (run) => {
        const before = process.cpuUsage();
        await containAll(run, RUN_AWAY.map((a) => (a.name.includes("io") ? { ...a, options: { ...a.options, io: cappedIo(400) } } : a)));
        // CPU, not wall time, so a busy machine does not fail a correct loader: a limit checked
        // only after the run (with a long backstop) burns seconds here instead of tens of ms.
        const used = process.cpuUsage(before);
        const usedMs = (used.user + used.system) / 1000;
        const boundMs = 1500;
        if (process.env.Q3_SHOW_CPU !== undefined) console.log(`run-away tenants cost ${usedMs.toFixed(0)} ms of host CPU`);
        if (usedMs > boundMs) throw new Error(`containing ${RUN_AWAY.length} run-away tenants cost the host ${usedMs.toFixed(0)} ms of CPU (bound ${boundMs} ms): a limit is enforced too late`);
      },
    },
    {
      name: "waiting for io is not billed as CPU: a tenant that awaits slow io within its CPU budget succeeds",
      run: (run) =>
        contain(run, {
          name: "three 60 ms io waits on a 40 ms CPU budget",
          source: "const got = []; for (let i = 0; i < 3; i++) got.push(await io('q' + i)); return got",
          // A real delay: this is the one thing the level must tell apart from CPU use.
          options: { cpuMsMax: 40, io: (text) => new Promise((resolve) => setTimeout(() => resolve(text.toUpperCase()), 60)) },
          expect: { value: ["Q0", "Q1", "Q2"] },
        }),
    },
    {
      name: "one tenant's overrun never kills another tenant running at the same time",
      run: async (run) => {
        const gate = deferred();
        // Settled into a value at once, so its failure is reported here, not as an unhandled rejection.
        const patient = run("const v = await io('wait'); return 'patient ' + v", { ...ROOMY, io: () => gate.promise }).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        await contain(run, { name: "a concurrent infinite loop", source: "for (;;) {}", expect: { code: "CPU_LIMIT_EXCEEDED" } });
        gate.resolve("done");
        const got = await patient;
        if ("error" in got) throw new Error(`a tenant waiting on io failed with ${codeOf(got.error)} after another tenant's overrun was stopped`);
        if (got.value !== "patient done") throw new Error(`the waiting tenant returned ${JSON.stringify(got.value)}`);
      },
    },
    {
      name: "nothing a tenant started keeps running after its request ends",
      run: async (run) => {
        const gate = deferred();
        const lines: string[] = [];
        const value = await run("io('slow').then(() => log('late')); return 'early'", { ...LIMITS, io: () => gate.promise, onLog: (l) => lines.push(l) });
        if (value !== "early") throw new Error(`expected "early", got ${JSON.stringify(value)}`);
        gate.resolve("now");
        // The continuation would run on the isolate's thread; give it real time to try.
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (lines.length > 0) throw new Error(`the tenant logged ${JSON.stringify(lines)} after its request had ended`);
      },
    },
  ],
});
