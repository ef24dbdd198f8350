/**
 * CPU time of a server under test, read from outside it, so that the same instrument measures
 * this platform, Miniflare (a Node process and its workerd child) and the bare node:http
 * ceiling. On Linux it sums utime + stime of the process and all its descendants from /proc
 * (clock ticks, 10 ms at the usual 100 Hz: over a 3 s measurement the error is below 1%);
 * elsewhere it reports nothing and the tables say so.
 */
import { readFileSync, readdirSync } from "node:fs";

// sysconf(_SC_CLK_TCK) is 100 on every Linux kernel configuration in common use.
const CLOCK_TICKS_PER_SECOND = 100;

function statOf(pid: number): { ppid: number; ticks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: fields start after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // After the name: state(3) ppid(4) … utime(14) stime(15), so index 0 is field 3.
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** CPU milliseconds used so far by `pid` and its live descendants, or undefined where /proc is missing. */
export function treeCpuMs(pid: number): number | undefined {
  if (process.platform !== "linux") return undefined;
  const root = statOf(pid);
  if (root === undefined) return undefined;
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    const child = Number(name);
    if (!Number.isInteger(child)) continue;
    const stat = statOf(child);
    if (stat === undefined) continue;
    ticks.set(child, stat.ticks);
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(child);
    else children.set(stat.ppid, [child]);
  }
  let total = 0;
  const stack = [pid];
  // Bounded by the number of processes read above: each is visited at most once.
  const seen = new Set<number>();
  while (stack.length > 0) {
    const next = stack.pop() as number;
    if (seen.has(next)) continue;
    seen.add(next);
    total += ticks.get(next) ?? 0;
    for (const c of children.get(next) ?? []) stack.push(c);
  }
  return (total * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** CPU milliseconds used so far by one thread (`tid`; a process's main thread has tid = pid), or undefined off Linux. */
export function threadCpuMs(pid: number, tid: number = pid): number | undefined {
  if (process.platform !== "linux") return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}
