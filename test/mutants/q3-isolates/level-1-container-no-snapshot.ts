// Mutant: counts the V8 heap only as part of the container's runtime boot, so the container skips snapshotDeserializeMs (snapshotDeserializeMs 5, every other phase 0: container cold start 0 instead of 5, below the isolate's 5). (blind)

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

export function coldStartMs(model: StartupBreakdown, kind: SandboxKind): number {
  const script = model.scriptCompileMs + model.instantiateMs + model.firstRequestMs;
  if (kind === "isolate") return model.snapshotDeserializeMs + script;
  // Node's bootstrap (runtimeBootMs) already builds its heap.
  return model.processSpawnMs + model.runtimeBootMs + script;
}

export function warmStartMs(model: StartupBreakdown, _kind: SandboxKind): number {
  return model.firstRequestMs;
}

export function ratio(model: StartupBreakdown): number {
  return coldStartMs(model, "container") / coldStartMs(model, "isolate");
}
