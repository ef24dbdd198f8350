// Q3 · level 1 · Cold-start cost model
// A customer asks why their container platform needs 300 ms to answer the first request after
// a deploy while an edge Worker answers in a few milliseconds. Before arguing, write down
// where the time goes. A sandbox's first request pays for every phase below that is not
// already done; a warm sandbox pays only for the request itself.
//
// Implement `coldStartMs`, `warmStartMs` and `ratio` over a `StartupBreakdown`:
// - a container starts from nothing: it pays process spawn, runtime boot, heap snapshot
//   deserialisation, script compile, instantiation and the first request;
// - an isolate starts inside a runtime process that is already running (it was spawned and
//   booted once for thousands of scripts), so it pays neither spawn nor boot;
// - a warm start (the sandbox is resident) pays only the request, for both kinds;
// - `ratio(model)` is container cold start divided by isolate cold start (always finite: the
//   request costs more than 0 ms, so the isolate's cold start is never 0).
// Constraints: pure functions, no clocks.

/** Milliseconds spent in each start-up phase: all ≥ 0, fractions allowed, `firstRequestMs` > 0. */
export interface StartupBreakdown {
  /** fork/exec, namespaces, cgroups, mounting the image layers. */
  processSpawnMs: number;
  /** The language runtime's own start (Node's bootstrap, loading builtins). */
  runtimeBootMs: number;
  /** Building a fresh V8 heap from a snapshot (a new isolate and context). */
  snapshotDeserializeMs: number;
  /** Parsing and compiling the customer's script. */
  scriptCompileMs: number;
  /** Running the script's top level (module evaluation, globals). */
  instantiateMs: number;
  /** Handling the request itself (always > 0). */
  firstRequestMs: number;
}

export type SandboxKind = "isolate" | "container";

/** The phases every new sandbox pays, whatever hosts it: a heap, the code, its top level. */
function inSandboxMs(m: StartupBreakdown): number {
  return m.snapshotDeserializeMs + m.scriptCompileMs + m.instantiateMs + m.firstRequestMs;
}

/** What only a container pays: a process of its own, and a language runtime booting in it. */
function processMs(m: StartupBreakdown): number {
  return m.processSpawnMs + m.runtimeBootMs;
}

export function coldStartMs(model: StartupBreakdown, kind: SandboxKind): number {
  // The whole difference: an isolate shares one already-booted process (Cloudflare's
  // "How Workers works": one runtime process hosts thousands of isolates), so spawn and boot
  // are paid once per machine, not once per script.
  return (kind === "isolate" ? 0 : processMs(model)) + inSandboxMs(model);
}

export function warmStartMs(model: StartupBreakdown, _kind: SandboxKind): number {
  // A resident sandbox has its heap, compiled code and globals; only the request is left.
  return model.firstRequestMs;
}

export function ratio(model: StartupBreakdown): number {
  // Container cold start over isolate cold start: the process is the whole difference.
  return (processMs(model) + inSandboxMs(model)) / inSandboxMs(model);
}
