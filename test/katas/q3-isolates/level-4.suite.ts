import fc from "fast-check";
import { check, defineLevel, requireExport } from "../../../src/kata/index.js";

interface TenantOptions {
  cpuMsMax: number;
  memoryMbMax: number;
  io?: (text: string) => Promise<string>;
  onLog?: (line: string) => void;
}
type RunTenant = (source: string, options: TenantOptions) => Promise<unknown>;

/**
 * The budget of tenants whose CPU is not under test. It is generous because isolated-vm's
 * `cpuTime` varies a lot under contention (its README says so): on a machine with many more
 * runnable threads than cores, a tenant that computes for 1 ms can read as 30.
 */
const LIMITS: TenantOptions = { cpuMsMax: 1000, memoryMbMax: 16 };
/**
 * For tenants that do a bounded amount of work while memory is under test (filling 24 MB of
 * arrays takes ~100 ms of CPU, read as several seconds on a machine with 20 runnable threads per
 * core): no budget a correct answer could hit. Never for a tenant that would allocate forever.
 */
const FINITE_WORK_CPU_MS = 30_000;
/** Run-away tenants are stopped at this budget, which keeps the level fast. */
const RUNAWAY_CPU_MS = 50;
/** For bystanders (the tenant that must still run afterwards): their budget is not under test. */
const ROOMY: TenantOptions = { cpuMsMax: 500, memoryMbMax: 16 };

type Expect = { value: unknown } | { code: string; status?: number; messageMatches?: RegExp };
interface Attempt {
  name: string;
  source: string;
  expect: Expect;
  options?: Partial<TenantOptions>;
}

/** A tenant's source for a failure message: long ones (a 2 MB script) are cut to their ends. */
function shown(source: string): string {
  return source.length <= 300 ? source : `${source.slice(0, 150)} … (${source.length} characters) … ${source.slice(-100)}`;
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
      throw new Error(`${a.name}: expected value ${JSON.stringify(a.expect.value)}, got ${got}\n  tenant source: ${shown(a.source)}`);
    }
  } else {
    const { code, status, messageMatches } = a.expect;
    const ok =
      "error" in outcome &&
      codeOf(outcome.error) === code &&
      (status === undefined || (outcome.error as { status?: unknown }).status === status) &&
      (messageMatches === undefined || (outcome.error instanceof Error && messageMatches.test(outcome.error.message)));
    if (!ok) {
      const gotStatus = "error" in outcome ? ` (status ${String((outcome.error as { status?: unknown } | undefined)?.status)})` : "";
      throw new Error(`${a.name}: expected error ${code}${status !== undefined ? ` with status ${status}` : ""}${messageMatches ? ` matching ${messageMatches}` : ""}, got ${got}${gotStatus}\n  tenant source: ${shown(a.source)}`);
    }
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

/** Every documented error path, each code with its status and a message naming the limit. */
const cpuError = (ms: number): Expect => ({ code: "CPU_LIMIT_EXCEEDED", status: 503, messageMatches: new RegExp(`\\b${ms}\\b`) });
const memoryError = (mb: number): Expect => ({ code: "MEMORY_LIMIT_EXCEEDED", status: 503, messageMatches: new RegExp(`\\b${mb}\\b`) });
const THREW: Expect = { code: "SCRIPT_THREW", status: 500 };

/**
 * About 2 MB of source in a function that is never called: costly to compile, free to run. The
 * parentheses make V8 compile it eagerly (~120 ms of CPU on an idle 2-core machine, against ~45 ms
 * to pre-parse a plain declaration), so billing the compilation overruns a 50 ms budget whatever
 * the machine's load.
 */
const BIG_SCRIPT = `const unused = (function unused(x) {\n${"  x = x + 1;\n".repeat(160_000)}  return x;\n});\nreturn 'compiled'`;

/** The documented surface: results, the two bindings, and what counts as the script throwing. */
const AS_DOCUMENTED: readonly Attempt[] = [
  { name: "a JSON result", source: "return { a: [1, 'x', null, true], n: 1.5 }", expect: { value: { a: [1, "x", null, true], n: 1.5 } } },
  { name: "no return value is null (JSON has no undefined)", source: "const x = 1;", expect: { value: null } },
  { name: "NaN is null, as JSON.stringify makes it", source: "return [NaN, 1]", expect: { value: [null, 1] } },
  { name: "a function is not JSON", source: "return () => 1", expect: { ...THREW, messageMatches: /JSON/ } },
  { name: "a BigInt is not JSON", source: "return 10n", expect: THREW },
  { name: "a cyclic object is not JSON", source: "const o = {}; o.self = o; return o", expect: THREW },
  { name: "a syntax error", source: "return 1 +* 2", expect: { ...THREW, messageMatches: /Unexpected token/ } },
  { name: "a thrown error, whose message the error carries", source: "throw new RangeError('kaboom-17')", expect: { ...THREW, messageMatches: /kaboom-17/ } },
  { name: "a thrown string", source: "throw 'no'", expect: THREW },
  { name: "an unhandled rejection of the result", source: "await Promise.reject(new TypeError('boom'))", expect: THREW },
  { name: "io echoes by default", source: "return [await io('ping'), await io(7)]", expect: { value: ["ping", "7"] } },
  { name: "a failed io rejects inside the tenant with an Error carrying its message", source: "try { await io('x'); return 'no' } catch (e) { return [e instanceof Error, e.message] }", options: { io: () => Promise.reject(new Error("origin down")) }, expect: { value: [true, "origin down"] } },
  { name: "a failed io the tenant does not catch", source: "return await io('x')", options: { io: () => Promise.reject(new Error("origin down")) }, expect: THREW },
  // CPU counts from when the tenant's code starts: compiling a 2 MB script (a real Worker
  // bundle's size) takes hundreds of ms of the isolate's CPU, running it well under 1 ms.
  { name: "a 2 MB script whose compilation is not billed", source: BIG_SCRIPT, options: { cpuMsMax: 50, memoryMbMax: 64 }, expect: { value: "compiled" } },
  // The boundary: any CPU at all is more than 0 ms, whether a sampler or a final check sees it.
  { name: "a budget of 0 ms", source: "return 1", options: { cpuMsMax: 0 }, expect: cpuError(0) },
  // The limit holds inside the isolate: an array buffer over it is refused there, a RangeError
  // the tenant may catch (an answer that only checks after the run lets it allocate).
  { name: "an array buffer over the limit, caught", source: "try { new ArrayBuffer(64 * 2 ** 20); return 'allocated' } catch (e) { return 'refused: ' + e.name }", options: { cpuMsMax: FINITE_WORK_CPU_MS }, expect: { value: "refused: RangeError" } },
  // Heap and array buffers count together: 10 MB + 8 MB kept is over 16 MB, though neither is alone.
  { name: "10 MB of array buffer and 8 MB of arrays kept in 16 MB", source: "globalThis.keep = [new ArrayBuffer(10 * 2 ** 20), Array.from({ length: 8 }, (_, i) => new Array(131072).fill(i))]; return 'kept'", options: { cpuMsMax: FINITE_WORK_CPU_MS }, expect: memoryError(16) },
  // 24 MB of live arrays fits in 64 MB: the limit is the tenant's, not a floor of 8 MB.
  { name: "24 MB within a 64 MB limit", source: "const keep = []; for (let i = 0; i < 24; i++) keep.push(new Array(131072).fill(i)); return keep.length", options: { cpuMsMax: FINITE_WORK_CPU_MS, memoryMbMax: 64 }, expect: { value: 24 } },
];

const RUN_AWAY: readonly Attempt[] = [
  { name: "an infinite loop", source: "for (;;) {}", options: { cpuMsMax: RUNAWAY_CPU_MS }, expect: cpuError(RUNAWAY_CPU_MS) },
  { name: "a microtask loop", source: "const spin = () => Promise.resolve().then(spin); spin(); return 'returned'", options: { cpuMsMax: RUNAWAY_CPU_MS }, expect: cpuError(RUNAWAY_CPU_MS) },
  { name: "CPU burned across awaited io", source: "for (;;) { await io('tick'); let x = 0; for (let i = 0; i < 1e5; i++) x += i; }", options: { cpuMsMax: RUNAWAY_CPU_MS }, expect: cpuError(RUNAWAY_CPU_MS) },
  // Generous CPU so that the memory limit, not the CPU limit, is what must stop these.
  { name: "one huge array buffer", source: "return new ArrayBuffer(256 * 1024 * 1024).byteLength", options: { cpuMsMax: FINITE_WORK_CPU_MS }, expect: memoryError(LIMITS.memoryMbMax) },
  { name: "an allocation loop", source: "const keep = []; for (;;) keep.push(new ArrayBuffer(1024 * 1024));", options: { cpuMsMax: 2000, memoryMbMax: 8 }, expect: memoryError(8) },
  { name: "deep recursion", source: "const f = (n) => f(n + 1) + 1; return f(0)", options: { cpuMsMax: FINITE_WORK_CPU_MS }, expect: { ...THREW, messageMatches: /call stack/i } },
];

/** Tenants that return at once while their io answers are on the way back. */
const RACERS: readonly string[] = [
  "io('a').then(() => { for (let i = 0; i < 20; i++) { io('late' + i); log('late' + i); } }); return 'early'",
  "for (let i = 0; i < 20; i++) io('x' + i).then(() => { io('late'); log('late') }); return 'early'",
  "Promise.resolve().then(() => Promise.resolve()).then(() => { io('late'); log('late') }); return 'early'",
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
      name: "results, log, io and every error code behave as documented",
      run: async (run) => {
        await containAll(run, AS_DOCUMENTED);
        // log converts inside the isolate and delivers every line, in order, while the request is open.
        const lines: string[] = [];
        const value = await run("log('a'); log(42); log({ toString() { return 'made in the isolate' } }); log(''); return 'logged'", { ...LIMITS, onLog: (l) => lines.push(l) });
        const want = ["a", "42", "made in the isolate", ""];
        if (value !== "logged" || JSON.stringify(lines) !== JSON.stringify(want)) throw new Error(`log lines ${JSON.stringify(lines)} (result ${JSON.stringify(value)}); expected ${JSON.stringify(want)}`);
        // Every io reaches the host io with the text converted by String, and each answer comes back to its caller.
        const asked: string[] = [];
        const echoed = await run("return await Promise.all([io('x'), io(2), io('日本')])", { ...LIMITS, io: async (t) => (asked.push(t), `<${t}>`) });
        if (JSON.stringify(echoed) !== JSON.stringify(["<x>", "<2>", "<日本>"]) || JSON.stringify([...asked].sort()) !== JSON.stringify(["2", "x", "日本"])) {
          throw new Error(`three concurrent io calls returned ${JSON.stringify(echoed)} after asking the host ${JSON.stringify(asked)}`);
        }
      },
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
        for (const a of RUN_AWAY) {
          const before = process.cpuUsage();
          await contain(run, a.name.includes("io") ? { ...a, options: { ...a.options, io: cappedIo(400) } } : a);
          // CPU, not wall time, so a busy machine does not fail a correct loader: a limit checked
          // only after the run (with a long backstop) burns seconds here instead of tens of ms.
          const used = process.cpuUsage(before);
          const usedMs = (used.user + used.system) / 1000;
          const boundMs = 600;
          if (process.env.Q3_SHOW_CPU !== undefined) console.log(`${a.name}: ${usedMs.toFixed(0)} ms of host CPU`);
          if (usedMs > boundMs) throw new Error(`containing "${a.name}" (CPU budget ${a.options?.cpuMsMax ?? LIMITS.cpuMsMax} ms) cost the host ${usedMs.toFixed(0)} ms of CPU (bound ${boundMs} ms): a limit is enforced too late`);
        }
      },
    },
    {
      name: "waiting for io is not billed as CPU: a tenant that awaits slow io within its CPU budget succeeds",
      run: (run) =>
        contain(run, {
          name: "three 100 ms io waits on a 100 ms CPU budget",
          source: "const got = []; for (let i = 0; i < 3; i++) got.push(await io('q' + i)); return got",
          // A real delay: this is the one thing the level must tell apart from CPU use.
          options: { cpuMsMax: 100, io: (text) => new Promise((resolve) => setTimeout(() => resolve(text.toUpperCase()), 100)) },
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
        await contain(run, { name: "a concurrent infinite loop", source: "for (;;) {}", options: { cpuMsMax: RUNAWAY_CPU_MS }, expect: cpuError(RUNAWAY_CPU_MS) });
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
        // Its isolate is gone too: five tenants that each keep 24 MB do not leave 120 MB behind.
        const heavy = "const keep = []; for (let i = 0; i < 24; i++) keep.push(new Array(131072).fill(i)); globalThis.keep = keep; return keep.length";
        await run(heavy, { cpuMsMax: FINITE_WORK_CPU_MS, memoryMbMax: 128 });
        const rssBefore = process.memoryUsage().rss;
        for (let i = 0; i < 5; i++) await run(heavy, { cpuMsMax: FINITE_WORK_CPU_MS, memoryMbMax: 128 });
        const grownMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
        if (grownMb > 60) throw new Error(`five tenants that each kept 24 MB grew the host by ${grownMb.toFixed(0)} MB after their requests ended: their isolates were not disposed`);
        // Continuations already queued when the request ends race its end: whatever they call
        // must not reach the host's io or log, nor reject where nobody handles it (an unhandled
        // rejection takes a Node host process down).
        const escaped: unknown[] = [];
        const onUnhandled = (reason: unknown): void => {
          escaped.push(reason);
        };
        process.on("unhandledRejection", onUnhandled);
        try {
          for (let round = 0; round < 5; round++) {
            for (const source of RACERS) {
              let ended = false;
              const late: string[] = [];
              await run(source, {
                ...LIMITS,
                io: async (t) => {
                  if (ended) late.push(`io(${t})`);
                  return t;
                },
                onLog: (l) => {
                  if (ended) late.push(`log(${l})`);
                },
              });
              ended = true;
              await new Promise((resolve) => setTimeout(resolve, 5));
              if (late.length > 0) throw new Error(`after its request had ended the tenant still reached the host: ${late.slice(0, 4).join(", ")}\n  tenant source: ${source}`);
            }
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        } finally {
          process.off("unhandledRejection", onUnhandled);
        }
        if (escaped.length > 0) {
          const reason = escaped[0] instanceof Error ? `${escaped[0].name}: ${escaped[0].message}` : String(escaped[0]);
          throw new Error(`a promise rejected with nobody to handle it after a request ended (${reason}); in a Node host that is a crash`);
        }
      },
    },
  ],
});
