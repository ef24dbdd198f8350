import { spawn } from "node:child_process";
import { EdgeError } from "../core/errors.js";
import { type Clock, WallClock } from "../sim/clock.js";
import type { LogLine } from "./host-bridge.js";

/** A child that neither answers nor exits by then is killed; a container cold start is ~seconds. */
export const CHILD_PROCESS_TIMEOUT_MS = 15_000;

export interface ChildRunResult {
  response: Response;
  /** Spawn + runtime boot + script load + one request + exit, on the given clock. */
  wallMs: number;
  logs: LogLine[];
}

/**
 * The container-style baseline for Q3: each cold start is a fresh `node` process (spawn, boot
 * a whole JS runtime with its own Request/Response, load the script, answer one request over
 * stdio, exit). Node provides the Web APIs natively, so the worker runs unmodified. Its
 * `fetch()` is stubbed with a 502 so the baseline never reaches the real network either.
 */
const CHILD_SOURCE = `
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const job = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const logs = [];
for (const level of ["log", "info", "warn", "error", "debug"]) {
  console[level] = (...args) => logs.push({ level, message: args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ") });
}
globalThis.fetch = async () => new Response("no origin in the process baseline", { status: 502 });
const mod = await import("data:text/javascript;base64," + Buffer.from(job.source).toString("base64"));
const r = job.request;
const request = new Request(r.url, { method: r.method, headers: r.headers, body: r.body === null ? null : Buffer.from(r.body, "base64") });
let response;
try {
  response = await mod.default.fetch(request, job.vars, { waitUntil() {}, passThroughOnException() {} });
} catch (e) {
  logs.push({ level: "error", message: String(e && e.stack || e) });
  response = new Response("error code: 1101", { status: 500 });
}
const body = Buffer.from(await response.arrayBuffer()).toString("base64");
process.stdout.write(JSON.stringify({ status: response.status, statusText: response.statusText, headers: [...response.headers], body, logs }));
`;

interface ChildReply {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: string;
  logs: LogLine[];
}

export async function runInChildProcess(
  source: string,
  request: Request,
  options: { vars?: Record<string, string>; clock?: Clock } = {},
): Promise<ChildRunResult> {
  const clock = options.clock ?? new WallClock();
  const body = request.body === null ? null : Buffer.from(await request.arrayBuffer()).toString("base64");
  const headers: Array<[string, string]> = [];
  request.headers.forEach((value, name) => headers.push([name, value]));
  const job = JSON.stringify({ source, vars: options.vars ?? {}, request: { method: request.method, url: request.url, headers, body } });
  const startMs = clock.nowMs();
  const env = { ...process.env };
  delete env["NODE_OPTIONS"]; // A container would not inherit the host's loaders.
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD_SOURCE], { stdio: ["pipe", "pipe", "pipe"], env });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (c: Buffer) => out.push(c));
  child.stderr.on("data", (c: Buffer) => err.push(c));
  const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_PROCESS_TIMEOUT_MS);
  child.stdin.end(job);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  }).finally(() => clearTimeout(timer));
  const wallMs = clock.nowMs() - startMs;
  if (code !== 0) {
    throw new EdgeError("CHILD_PROCESS_FAILED", 502, `baseline process exited with ${code}: ${Buffer.concat(err).toString("utf8").slice(0, 500)}`);
  }
  const reply = JSON.parse(Buffer.concat(out).toString("utf8")) as ChildReply;
  const nullBody = [101, 204, 205, 304].includes(reply.status);
  const response = new Response(nullBody ? null : Buffer.from(reply.body, "base64"), { status: reply.status, statusText: reply.statusText, headers: reply.headers });
  return { response, wallMs, logs: reply.logs };
}
