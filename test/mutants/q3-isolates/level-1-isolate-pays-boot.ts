// Mutant: the isolate is charged the runtime boot too, as if every script booted its own runtime.
type Kind = "isolate" | "container";
interface B { processSpawnMs: number; runtimeBootMs: number; snapshotDeserializeMs: number; scriptCompileMs: number; instantiateMs: number; firstRequestMs: number }
const inner = (m: B): number => m.snapshotDeserializeMs + m.scriptCompileMs + m.instantiateMs + m.firstRequestMs;
export function coldStartMs(m: B, kind: Kind): number {
  return (kind === "container" ? m.processSpawnMs : 0) + m.runtimeBootMs + inner(m);
}
export function warmStartMs(m: B, _kind: Kind): number {
  return m.firstRequestMs;
}
export function ratio(m: B): number {
  return coldStartMs(m, "container") / coldStartMs(m, "isolate");
}
