// Mutant: a warm start still recompiles the script, so the code cache is forgotten between requests.
type Kind = "isolate" | "container";
interface B { processSpawnMs: number; runtimeBootMs: number; snapshotDeserializeMs: number; scriptCompileMs: number; instantiateMs: number; firstRequestMs: number }
const inner = (m: B): number => m.snapshotDeserializeMs + m.scriptCompileMs + m.instantiateMs + m.firstRequestMs;
export function coldStartMs(m: B, kind: Kind): number {
  return (kind === "container" ? m.processSpawnMs + m.runtimeBootMs : 0) + inner(m);
}
export function warmStartMs(m: B, _kind: Kind): number {
  return m.scriptCompileMs + m.firstRequestMs;
}
export function ratio(m: B): number {
  return coldStartMs(m, "container") / coldStartMs(m, "isolate");
}
