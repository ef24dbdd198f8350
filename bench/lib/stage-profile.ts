/**
 * Attributes a V8 CPU profile of the server (`node --cpu-prof`) to the pipeline's stages.
 * Each sample's stack is walked from the running function outwards; the first frame in this
 * repository's `src/` that belongs to a stage names the sample's stage. Shared helpers
 * (`src/sim`, `src/net`, `src/core`, `src/facts`) are skipped so a hash computed for the DDoS
 * detector counts as DDoS. A stack with no project frame is Node's own HTTP work (parsing,
 * socket writes outside the response writer), the garbage collector, or native code.
 *
 * The profile samples the main thread only: isolate code entered synchronously (the worker's
 * fast path) runs on that thread and counts under "worker"; work on other threads (isolated-vm's
 * own threads, parallel GC) is in the process's CPU time but not here.
 */
import { readFileSync } from "node:fs";

export const STAGES = ["read", "edge", "ddos", "waf", "worker", "cache", "origin", "write", "node:http", "gc", "other"] as const;
export type Stage = (typeof STAGES)[number];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// Helpers used by every stage: their time belongs to whichever stage called them.
const SHARED = ["/src/sim/", "/src/net/", "/src/core/", "/src/facts/"];

function stageOfFrame(url: string, functionName: string): Stage | undefined {
  const at = url.lastIndexOf("/src/");
  if (at < 0 || url.includes("/node_modules/")) return undefined;
  const path = url.slice(at);
  if (SHARED.some((dir) => path.startsWith(dir))) return undefined;
  if (path.startsWith("/src/ddos/")) return "ddos";
  if (path.startsWith("/src/waf/")) return "waf";
  if (path.startsWith("/src/workers/") || path.startsWith("/src/kv/") || path.startsWith("/src/durable-objects/") || path.startsWith("/src/storage/") || path === "/src/edge/worker-host.ts" || path === "/src/server/worker-deployment.ts") return "worker";
  if (path.startsWith("/src/cache/") || path === "/src/edge/origin-bridge.ts") return "cache";
  if (path.startsWith("/src/proxy/")) return "origin";
  if (path.startsWith("/src/server/http-server.ts") || path.startsWith("/src/server/http-answer.ts")) {
    if (/write|answer|send/i.test(functionName)) return "write";
    if (/request|read|parse/i.test(functionName)) return "read";
  }
  if (path.startsWith("/src/edge/")) {
    if (functionName === "#dropped") return "ddos";
    return "edge";
  }
  return "edge";
}

/**
 * Sampled microseconds per stage in the profile, and the total sampled (idle excluded), counting
 * only samples inside `windows` (monotonic µs, the profile's clock) when given.
 *
 * The sampler ticks on wall time: on a busy machine a thread that waits for a core still
 * collects samples, so these are shares of the main thread's busy wall time. Scale them by
 * the thread's CPU time (`shareOfCpu`) to get CPU time per stage.
 */
export function stageTimes(profilePath: string, windows?: ReadonlyArray<{ start: number; end: number }>): { byStage: Record<Stage, number>; totalUs: number } {
  const profile = JSON.parse(readFileSync(profilePath, "utf8")) as CpuProfile;
  const parent = new Map<number, number>();
  const nodes = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    nodes.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const stageOfNode = new Map<number, Stage | "idle">();
  const resolve = (id: number): Stage | "idle" => {
    const known = stageOfNode.get(id);
    if (known !== undefined) return known;
    const node = nodes.get(id) as ProfileNode;
    const name = node.callFrame.functionName;
    let stage: Stage | "idle" | undefined;
    if (name === "(idle)") stage = "idle";
    else if (name === "(garbage collector)") stage = "gc";
    else if (name === "(program)" || name === "(root)") stage = "other";
    else stage = stageOfFrame(node.callFrame.url, name);
    if (stage === undefined) {
      const up = parent.get(id);
      // Reaching the root without a project frame: Node's own work (the HTTP parser, timers…).
      stage = up === undefined || nodes.get(up)?.callFrame.functionName === "(root)" ? (node.callFrame.url.startsWith("node:") ? "node:http" : "other") : resolve(up);
      if (stage === "other" && node.callFrame.url.startsWith("node:")) stage = "node:http";
    }
    stageOfNode.set(id, stage);
    return stage;
  };
  const byStage = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  let totalUs = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (windows !== undefined && !windows.some((w) => at >= w.start && at <= w.end)) continue;
    const stage = resolve(profile.samples[i] as number);
    if (stage === "idle") continue;
    byStage[stage] += us;
    totalUs += us;
  }
  return { byStage, totalUs };
}

/** Spreads `cpuUs` over the stages in proportion to their sampled time. */
export function shareOfCpu(sampled: { byStage: Record<Stage, number>; totalUs: number }, cpuUs: number): Record<Stage, number> {
  const scale = sampled.totalUs > 0 ? cpuUs / sampled.totalUs : 0;
  return Object.fromEntries(STAGES.map((s) => [s, sampled.byStage[s] * scale])) as Record<Stage, number>;
}
