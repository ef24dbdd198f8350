// Mutant: "cancels out" the request, which both kinds pay, and divides the start-up overheads only (every phase 1 ms: ratio 5/3 instead of 6/4). (blind)

/** Milliseconds spent in each start-up phase (all ≥ 0). */
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
  /** Handling the request itself. */
  firstRequestMs: number;
}

export type SandboxKind = "isolate" | "container";

function sum(model: StartupBreakdown): number {
  return (
    model.processSpawnMs +
    model.runtimeBootMs +
    model.snapshotDeserializeMs +
    model.scriptCompileMs +
    model.instantiateMs +
    model.firstRequestMs
  );
}

export function coldStartMs(model: StartupBreakdown, kind: SandboxKind): number {
  if (kind === "container") return sum(model);
  return sum(model) - model.processSpawnMs - model.runtimeBootMs;
}

export function warmStartMs(model: StartupBreakdown, _kind: SandboxKind): number {
  return model.firstRequestMs;
}

export function ratio(model: StartupBreakdown): number {
  // The request costs the same in both: compare what each sandbox adds on top of it.
  const container = coldStartMs(model, "container") - model.firstRequestMs;
  const isolate = coldStartMs(model, "isolate") - model.firstRequestMs;
  return container / isolate;
}
