// Mutant: the container's runtime boot is assumed to include the heap, so its snapshot phase is dropped.
type Kind = "isolate" | "container";
interface B { processSpawnMs: number; runtimeBootMs: number; snapshotDeserializeMs: number; scriptCompileMs: number; instantiateMs: number; firstRequestMs: number }
export function coldStartMs(m: B, kind: Kind): number {
  const code = m.scriptCompileMs + m.instantiateMs + m.firstRequestMs;
  return kind === "container" ? m.processSpawnMs + m.runtimeBootMs + code : m.snapshotDeserializeMs + code;
}
export function warmStartMs(m: B, _kind: Kind): number {
  return m.firstRequestMs;
}
export function ratio(m: B): number {
  return coldStartMs(m, "container") / coldStartMs(m, "isolate");
}
