// Mutant: believes the snapshot heap is shared by the already-running process, so an isolate's cold start also skips snapshot deserialisation (snapshotDeserializeMs 5, every other phase 0: isolate cold start 0 instead of 5). (blind)

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
  const scriptWork = model.scriptCompileMs + model.instantiateMs + model.firstRequestMs;
  if (kind === "isolate") return scriptWork;
  return model.processSpawnMs + model.runtimeBootMs + model.snapshotDeserializeMs + scriptWork;
}

export function warmStartMs(model: StartupBreakdown, _kind: SandboxKind): number {
  return model.firstRequestMs;
}

export function ratio(model: StartupBreakdown): number {
  return coldStartMs(model, "container") / coldStartMs(model, "isolate");
}
