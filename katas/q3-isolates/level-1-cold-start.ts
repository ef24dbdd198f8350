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
// Constraints: pure functions, no clocks. Hints: `npm run kata -- hint q3/1`.
// Grade: `npm run kata -- check q3/1`.
import { NotImplemented } from "../../src/kata/not-implemented.js";

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

export function coldStartMs(model: StartupBreakdown, kind: SandboxKind): number {
  // TODO: sum the phases this kind pays on its first request.
  throw new NotImplemented("coldStartMs");
}

export function warmStartMs(model: StartupBreakdown, kind: SandboxKind): number {
  // TODO: what is left to pay when the sandbox is already resident?
  throw new NotImplemented("warmStartMs");
}

export function ratio(model: StartupBreakdown): number {
  // TODO: container cold start / isolate cold start.
  throw new NotImplemented("ratio");
}
