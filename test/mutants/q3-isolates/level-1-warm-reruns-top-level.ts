// Mutant: a warm start re-runs the script's top level for every request (as if each request got a fresh context), so warm = instantiate + request (instantiateMs 3, firstRequestMs 1: warm start 4 instead of 1). (blind)

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
  return model.instantiateMs + model.firstRequestMs;
}

export function ratio(model: StartupBreakdown): number {
  return coldStartMs(model, "container") / coldStartMs(model, "isolate");
}
