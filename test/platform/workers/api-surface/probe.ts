/**
 * Enumerates, inside a real isolate, which members of the checklist the runtime has. The probe
 * is an ordinary module worker: it looks each class up on `globalThis` and each member up with
 * `in` (so inherited members count, as they do for a worker's code).
 */
import type { Checklist } from "./checklist.js";

export interface ClassCoverage {
  name: string;
  /** False when the global is missing altogether (then it and every member count as missing). */
  present: boolean;
  missing: string[];
  /** The class itself plus its static and instance members. */
  total: number;
}

export interface SurfaceCoverage {
  classes: ClassCoverage[];
  globals: { present: string[]; missing: string[] };
  objects: ClassCoverage[];
}

/** The smallest part of a `Worker` the probe needs, so an older checkout's Worker can be measured too. */
export interface ProbeWorker {
  fetch(request: Request): Promise<{ outcome: string; response: Response; logs: unknown[] }>;
  dispose(): void;
}

export const PROBE_SOURCE = `
const member = (name) => (name.startsWith("@@") ? Symbol[name.slice(2)] : name);
export default {
  async fetch(request) {
    const list = await request.json();
    const has = (target, name) => target !== null && target !== undefined && (typeof target === "object" || typeof target === "function") && member(name) in target;
    // Classes workerd reaches through another object rather than the global scope.
    const reach = { DigestStream: () => globalThis.crypto.DigestStream };
    const classes = list.classes.map((c) => {
      const C = reach[c.name] ? reach[c.name]() : globalThis[c.name];
      const present = typeof C === "function";
      const missing = [
        ...(present ? [] : ["(the class itself)"]),
        ...c.statics.filter((m) => !present || !has(C, m)).map((m) => "static " + m),
        ...c.members.filter((m) => !present || !has(C.prototype, m)),
      ];
      return { name: c.name, present, missing, total: 1 + c.statics.length + c.members.length };
    });
    const globals = { present: [], missing: [] };
    for (const g of list.globals) (typeof globalThis[g] === "undefined" ? globals.missing : globals.present).push(g);
    const objects = list.objects.map((o) => {
      const target = globalThis[o.global];
      return { name: o.global, present: target !== undefined, missing: o.members.filter((m) => !has(target, m)), total: o.members.length };
    });
    return Response.json({ classes, globals, objects });
  },
};
`;

export async function probeSurface(worker: ProbeWorker, checklist: Checklist): Promise<SurfaceCoverage> {
  const body = JSON.stringify({ classes: checklist.classes, globals: checklist.globals, objects: checklist.objects });
  const r = await worker.fetch(new Request("https://probe.example/", { method: "POST", body }));
  if (r.outcome !== "ok") throw new Error(`the probe worker failed: ${r.outcome} ${JSON.stringify(r.logs)}`);
  return (await r.response.json()) as SurfaceCoverage;
}

/** Members present / total over `names` (all classes when omitted). */
export function tally(coverage: SurfaceCoverage, names?: readonly string[]): { present: number; total: number } {
  let present = 0;
  let total = 0;
  for (const c of coverage.classes) {
    if (names !== undefined && !names.includes(c.name)) continue;
    total += c.total;
    present += c.total - c.missing.length;
  }
  return { present, total };
}
